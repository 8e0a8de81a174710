/// Block-mean downsampling and nearest-neighbour upsampling of `[B, T, C, H, W]` fields by
/// integer factors along time, lat and lon (the SPF pyramid operators `Down` and `Up`).
public struct Resampling: Sendable, Equatable {
    /// Factors along T, H, W (each ≥ 1).
    public let timeFactor: Int, heightFactor: Int, widthFactor: Int

    /// Factors along time, lat and lon.
    public init(timeFactor: Int = 1, heightFactor: Int, widthFactor: Int) throws(TensorError) {
        guard timeFactor > 0, heightFactor > 0, widthFactor > 0 else {
            throw TensorError(.invalidConfiguration, "resampling factors must be positive, got \(timeFactor), \(heightFactor), \(widthFactor)")
        }
        self.timeFactor = timeFactor
        self.heightFactor = heightFactor
        self.widthFactor = widthFactor
    }

    /// Cells per block `n = ft·fh·fw`.
    public var blockSize: Int { timeFactor * heightFactor * widthFactor }

    /// Coarse shape for a fine `[B, T, C, H, W]`.
    public func coarseShape(_ fine: [Int]) throws(TensorError) -> [Int] {
        guard fine.count == 5, fine[1] % timeFactor == 0, fine[3] % heightFactor == 0, fine[4] % widthFactor == 0 else {
            throw TensorError(.shapeMismatch, "field \(fine) is not [B, T, C, H, W] divisible by \(timeFactor)×\(heightFactor)×\(widthFactor)")
        }
        return [fine[0], fine[1] / timeFactor, fine[2], fine[3] / heightFactor, fine[4] / widthFactor]
    }

    /// `coarse = mean over each block of fine` (fine `[B, T, C, H, W]`, coarse `[B, T/ft, C, H/fh, W/fw]`).
    public func downsample(_ fine: Tensor, into coarse: Tensor, context: ComputeContext) {
        walk(fine: fine, coarse: coarse, context: context) { f, c, n in
            var s: Float = 0
            for v in f { s += v.pointee }
            c.pointee = s / Float(n)
        }
    }

    /// `fine = coarse value of its block` (nearest neighbour).
    public func upsample(_ coarse: Tensor, into fine: Tensor, context: ComputeContext) {
        walk(fine: fine, coarse: coarse, context: context) { f, c, _ in
            for v in f { v.pointee = c.pointee }
        }
    }

    /// Backward of ``downsample(_:into:context:)``: `dFine = dCoarse / n` broadcast over each block.
    public func downsampleBackward(_ dCoarse: Tensor, into dFine: Tensor, context: ComputeContext) {
        walk(fine: dFine, coarse: dCoarse, context: context) { f, c, n in
            let v = c.pointee / Float(n)
            for p in f { p.pointee = v }
        }
    }

    /// Backward of ``upsample(_:into:context:)``: `dCoarse = Σ dFine` over each block.
    public func upsampleBackward(_ dFine: Tensor, into dCoarse: Tensor, context: ComputeContext) {
        walk(fine: dFine, coarse: dCoarse, context: context) { f, c, _ in
            var s: Float = 0
            for v in f { s += v.pointee }
            c.pointee = s
        }
    }

    /// `z − BlockMean(z)` in place: block-zero-mean noise for the SPF renoising rule.
    public func subtractBlockMean(_ field: Tensor, context: ComputeContext) {
        let coarse = (try? coarseShape(field.shape)) ?? []
        precondition(!coarse.isEmpty, "subtractBlockMean: field \(field.shape) not divisible")
        walk(fine: field, coarse: nil, coarseShape: coarse, context: context) { f, _, n in
            var s: Float = 0
            for v in f { s += v.pointee }
            let m = s / Float(n)
            for v in f { v.pointee -= m }
        }
    }

    /// Calls `body(fine cells of block, coarse cell, n)` for every block; blocks of one coarse row
    /// are handled by one worker, cells in (dt, dy, dx) order.
    private func walk(fine: Tensor, coarse: Tensor?, coarseShape: [Int]? = nil, context: ComputeContext,
                      _ body: ([UnsafeMutablePointer<Float>], UnsafeMutablePointer<Float>, Int) -> Void) {
        let cs: [Int]
        if let coarseShape { cs = coarseShape } else {
            guard let s = try? self.coarseShape(fine.shape), let coarse, coarse.count == Tensor.elementCount(s) else {
                preconditionFailure("resampling: fine \(fine.shape) and coarse \(coarse?.shape ?? []) do not match factors \(timeFactor)×\(heightFactor)×\(widthFactor)")
            }
            cs = s
        }
        let (b, tc, c, hc, wc) = (cs[0], cs[1], cs[2], cs[3], cs[4])
        let (ft, fh, fw) = (timeFactor, heightFactor, widthFactor)
        let h = hc * fh, w = wc * fw, n = ft * fh * fw
        let pf = fine.data
        let pc = coarse?.data
        context.parallelFor(b * tc * c * hc) { rows in
            var cells = [UnsafeMutablePointer<Float>](repeating: pf, count: n)
            var scratch: Float = 0
            for row in rows {
                let bi = row / (tc * c * hc), ti = (row / (c * hc)) % tc, ci = (row / hc) % c, hi = row % hc
                for wi in 0..<wc {
                    var k = 0
                    for dt in 0..<ft {
                        for dy in 0..<fh {
                            for dx in 0..<fw {
                                let t = ti * ft + dt
                                cells[k] = pf + (((bi * (tc * ft) + t) * c + ci) * h + hi * fh + dy) * w + wi * fw + dx
                                k += 1
                            }
                        }
                    }
                    if let pc {
                        body(cells, pc + ((bi * tc + ti) * c + ci) * hc * wc + hi * wc + wi, n)
                    } else {
                        withUnsafeMutablePointer(to: &scratch) { body(cells, $0, n) }
                    }
                }
            }
        }
    }
}

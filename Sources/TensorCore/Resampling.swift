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
        let g = geometry(fine: fine, coarse: coarse)
        let inv = 1 / Float(blockSize), fw = widthFactor
        rows(g, fine: fine.data, coarse: coarse.data, context: context) { fineRows, c in
            for wi in 0..<g.wc { c[wi] = 0 }
            for f in fineRows {
                for wi in 0..<g.wc {
                    var s: Float = 0
                    for dx in 0..<fw { s += f[wi * fw + dx] }
                    c[wi] += s
                }
            }
            for wi in 0..<g.wc { c[wi] *= inv }
        }
    }

    /// `fine = coarse value of its block` (nearest neighbour).
    public func upsample(_ coarse: Tensor, into fine: Tensor, context: ComputeContext) {
        let g = geometry(fine: fine, coarse: coarse), fw = widthFactor
        rows(g, fine: fine.data, coarse: coarse.data, context: context) { fineRows, c in
            for f in fineRows { for wi in 0..<g.wc { for dx in 0..<fw { f[wi * fw + dx] = c[wi] } } }
        }
    }

    /// Backward of ``downsample(_:into:context:)``: `dFine = dCoarse / n` broadcast over each block.
    public func downsampleBackward(_ dCoarse: Tensor, into dFine: Tensor, context: ComputeContext) {
        let g = geometry(fine: dFine, coarse: dCoarse), fw = widthFactor, inv = 1 / Float(blockSize)
        rows(g, fine: dFine.data, coarse: dCoarse.data, context: context) { fineRows, c in
            for f in fineRows { for wi in 0..<g.wc { for dx in 0..<fw { f[wi * fw + dx] = c[wi] * inv } } }
        }
    }

    /// Backward of ``upsample(_:into:context:)``: `dCoarse = Σ dFine` over each block.
    public func upsampleBackward(_ dFine: Tensor, into dCoarse: Tensor, context: ComputeContext) {
        let g = geometry(fine: dFine, coarse: dCoarse), fw = widthFactor
        rows(g, fine: dFine.data, coarse: dCoarse.data, context: context) { fineRows, c in
            for wi in 0..<g.wc { c[wi] = 0 }
            for f in fineRows {
                for wi in 0..<g.wc {
                    var s: Float = 0
                    for dx in 0..<fw { s += f[wi * fw + dx] }
                    c[wi] += s
                }
            }
        }
    }

    /// `z − BlockMean(z)` in place: block-zero-mean noise for the SPF renoising rule.
    /// - Parameters:
    ///   - field: `[B, T, C, H, W]`, modified in place.
    ///   - scratch: `[B, T/ft, C, H/fh, W/fw]` (receives the block means).
    public func subtractBlockMean(_ field: Tensor, scratch: Tensor, context: ComputeContext) {
        downsample(field, into: scratch, context: context)
        let g = geometry(fine: field, coarse: scratch), fw = widthFactor
        rows(g, fine: field.data, coarse: scratch.data, context: context) { fineRows, c in
            for f in fineRows { for wi in 0..<g.wc { for dx in 0..<fw { f[wi * fw + dx] -= c[wi] } } }
        }
    }

    /// Coarse extents `(B, T', C, H', W')` of a matching fine/coarse pair.
    struct Geometry { let b: Int, tc: Int, c: Int, hc: Int, wc: Int }

    private func geometry(fine: Tensor, coarse: Tensor) -> Geometry {
        // try?: the shapes come from a validated pyramid configuration, so a mismatch is a programming error, stopped here with both shapes
        guard let s = try? coarseShape(fine.shape), coarse.count == Tensor.elementCount(s) else {
            preconditionFailure("resampling: fine \(fine.shape) and coarse \(coarse.shape) do not match factors \(timeFactor)×\(heightFactor)×\(widthFactor)")
        }
        return Geometry(b: s[0], tc: s[1], c: s[2], hc: s[3], wc: s[4])
    }

    /// Calls `body(fine rows of the block row, coarse row)` for every coarse row `(b, t', c, h')`:
    /// the `ft·fh` fine rows (each `W` wide) in (dt, dy) order. Coarse rows are split over workers.
    private func rows(_ g: Geometry, fine fineBase: UnsafeMutablePointer<Float>, coarse coarseBase: UnsafeMutablePointer<Float>,
                      context: ComputeContext,
                      _ body: (UnsafeBufferPointer<UnsafeMutablePointer<Float>>, UnsafeMutablePointer<Float>) -> Void) {
        let (ft, fh, fw) = (timeFactor, heightFactor, widthFactor)
        let h = g.hc * fh, w = g.wc * fw, count = ft * fh
        context.parallelFor(g.b * g.tc * g.c * g.hc, minimumItemsPerThread: 16) { range in
            withUnsafeTemporaryAllocation(of: UnsafeMutablePointer<Float>.self, capacity: count) { fineRows in
                for row in range {
                    let bi = row / (g.tc * g.c * g.hc), ti = (row / (g.c * g.hc)) % g.tc
                    let ci = (row / g.hc) % g.c, hi = row % g.hc
                    var k = 0
                    for dt in 0..<ft {
                        for dy in 0..<fh {
                            fineRows[k] = fineBase + (((bi * g.tc * ft + ti * ft + dt) * g.c + ci) * h + hi * fh + dy) * w
                            k += 1
                        }
                    }
                    body(UnsafeBufferPointer(fineRows), coarseBase + row * g.wc)
                }
            }
        }
    }
}

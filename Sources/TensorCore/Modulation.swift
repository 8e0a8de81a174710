/// Per-sample modulation vectors laid out `[B, K·D]`: `K` chunks of width `D` per sample
/// (adaLN-Zero uses K = 6: shift₁, scale₁, gate₁, shift₂, scale₂, gate₂).
public struct Modulation: Sendable {
    /// The values, `[B, K·D]`.
    public let values: Tensor
    /// Number of chunks `K`.
    public let chunks: Int
    /// Chunk width `D`.
    public let width: Int

    /// Views `values` (`[B, chunks·width]`) as modulation chunks.
    public init(_ values: Tensor, chunks: Int, width: Int) {
        precondition(values.count % (chunks * width) == 0, "modulation \(values.shape) is not [B, \(chunks)·\(width)]")
        self.values = values
        self.chunks = chunks
        self.width = width
    }

    /// Batch size `B`.
    public var batch: Int { values.count / (chunks * width) }

    /// Pointer to chunk `k` of sample `b`.
    @inlinable public func pointer(sample b: Int, chunk k: Int) -> UnsafeMutablePointer<Float> {
        values.data + (b * chunks + k) * width
    }
}

/// The adaLN-Zero operations: modulate a normalised stream and gate a residual branch.
///
/// Forward kernels split rows over the threads. Backward kernels reduce over the tokens of each
/// sample (tokens in order, so the bytes do not depend on the threads): their items are whole
/// samples, each streaming its contiguous rows. Each kernel's per-row arithmetic is one
/// `@inline(__always)` function, shared with the fused ``ModulatedLayerNorm`` so that both give
/// the same bytes.
public enum AdaLN {
    /// `out[b,t,:] = x[b,t,:] · (1 + scale[b,:]) + shift[b,:]`.
    /// - Parameters:
    ///   - x: `[B, T, D]` (normalised stream).
    ///   - out: `[B, T, D]` (may be `x`).
    ///   - shift: chunk index of the shift in `modulation`; `scale` likewise.
    public static func modulate(_ x: Tensor, modulation m: Modulation, shift: Int, scale: Int, into out: Tensor,
                                context: ComputeContext) {
        let d = m.width, batch = m.batch, tokens = x.count / (batch * d)
        precondition(x.count == batch * tokens * d && out.count == x.count,
                     "modulate: x \(x.shape), out \(out.shape), modulation \(m.values.shape)")
        let px = x.data, po = out.data
        context.parallelFor(batch * tokens, minimumItemsPerThread: 32) { rows in
            for r in rows {
                let b = r / tokens
                modulateRow(px + r * d, shift: m.pointer(sample: b, chunk: shift), scale: m.pointer(sample: b, chunk: scale),
                            into: po + r * d, count: d)
            }
        }
    }

    /// One row of ``modulate(_:modulation:shift:scale:into:context:)``.
    @inline(__always)
    static func modulateRow(_ x: UnsafePointer<Float>, shift sh: UnsafePointer<Float>, scale sc: UnsafePointer<Float>,
                            into o: UnsafeMutablePointer<Float>, count d: Int) {
        var j = 0
        while j < d {
            let lanes = min(8, d - j)
            let v = ElementwiseLoop.load(x + j, lanes) * (1 + ElementwiseLoop.load(sc + j, lanes))
                + ElementwiseLoop.load(sh + j, lanes)
            ElementwiseLoop.store(v, o + j, lanes)
            j += 8
        }
    }

    /// One row of LayerNorm then modulation, without storing the normalised row: `o = ((x − mean)·rstd)·(1 + scale) +
    /// shift`, with the row's statistics (``LayerNorm/rowStatistics(_:count:epsilon:)``). Each normalised value is the
    /// float ``LayerNorm/normalizeRow(_:into:count:epsilon:)`` would store and ``modulateRow(_:shift:scale:into:count:)``
    /// would read back, so `o` has their bits.
    @inline(__always)
    static func normalizeModulateRow(_ x: UnsafePointer<Float>, mean: Float, rstd rs: Float, shift sh: UnsafePointer<Float>,
                                     scale sc: UnsafePointer<Float>, into o: UnsafeMutablePointer<Float>, count d: Int) {
        var j = 0
        while j + 8 <= d {
            let n = (SIMDMath.load(x + j) - mean) * rs
            SIMDMath.store(n * (1 + SIMDMath.load(sc + j)) + SIMDMath.load(sh + j), o + j)
            j += 8
        }
        while j < d {
            let n = (x[j] - mean) * rs
            o[j] = n * (1 + sc[j]) + sh[j]
            j += 1
        }
    }

    /// Backward of ``modulate(_:modulation:shift:scale:into:context:)``:
    /// `dx = dout · (1 + scale)`, `dshift[b] += Σ_t dout`, `dscale[b] += Σ_t dout · x`.
    /// - Parameters:
    ///   - dOut: `[B, T, D]`.
    ///   - x: `[B, T, D]`, the forward input.
    ///   - gradient: modulation gradients, same layout as `modulation` (accumulated).
    ///   - dx: `[B, T, D]`, overwritten; may be `dOut`.
    public static func modulateBackward(_ dOut: Tensor, input x: Tensor, modulation m: Modulation,
                                        gradient g: Modulation, shift: Int, scale: Int, inputGradient dx: Tensor,
                                        context: ComputeContext) {
        let d = m.width, batch = m.batch, tokens = x.count / (batch * d)
        precondition(dOut.count == x.count && dx.count == x.count && g.values.count == m.values.count,
                     "modulate backward: shapes differ")
        let pg = dOut.data, px = x.data, pd = dx.data
        context.parallelFor(batch) { samples in
            for b in samples {
                let sc = m.pointer(sample: b, chunk: scale)
                let dsh = g.pointer(sample: b, chunk: shift), dsc = g.pointer(sample: b, chunk: scale)
                for t in 0..<tokens {
                    let base = (b * tokens + t) * d
                    modulateBackwardRow(pg + base, input: px + base, scale: sc, shiftGradient: dsh, scaleGradient: dsc,
                                        inputGradient: pd + base, count: d)
                }
            }
        }
    }

    /// One row of ``modulateBackward(_:input:modulation:gradient:shift:scale:inputGradient:context:)``
    /// (rows of a sample must come in token order: the shift and scale gradients accumulate).
    @inline(__always)
    static func modulateBackwardRow(_ g: UnsafePointer<Float>, input x: UnsafePointer<Float>, scale sc: UnsafePointer<Float>,
                                    shiftGradient dsh: UnsafeMutablePointer<Float>, scaleGradient dsc: UnsafeMutablePointer<Float>,
                                    inputGradient dx: UnsafeMutablePointer<Float>, count d: Int) {
        var j = 0
        while j < d {
            let lanes = min(8, d - j)
            let gv = ElementwiseLoop.load(g + j, lanes)
            let xv = ElementwiseLoop.load(x + j, lanes)
            ElementwiseLoop.store(ElementwiseLoop.load(dsh + j, lanes) + gv, dsh + j, lanes)
            ElementwiseLoop.store(ElementwiseLoop.load(dsc + j, lanes) + gv * xv, dsc + j, lanes)
            ElementwiseLoop.store(gv * (1 + ElementwiseLoop.load(sc + j, lanes)), dx + j, lanes)
            j += 8
        }
    }

    /// Gated residual `out[b,t,:] = x[b,t,:] + gate[b,:] · y[b,t,:]` (`out` may be `x`).
    /// - Parameters:
    ///   - x: `[B, T, D]` residual stream; `y`: `[B, T, D]` branch output.
    ///   - gate: chunk index of the gate in `modulation`.
    public static func gatedResidual(_ x: Tensor, _ y: Tensor, modulation m: Modulation, gate: Int, into out: Tensor,
                                     context: ComputeContext) {
        let d = m.width, batch = m.batch, tokens = x.count / (batch * d)
        precondition(y.count == x.count && out.count == x.count && x.count == batch * tokens * d,
                     "gated residual: x \(x.shape), y \(y.shape), out \(out.shape)")
        let px = x.data, py = y.data, po = out.data
        context.parallelFor(batch * tokens, minimumItemsPerThread: 32) { rows in
            for r in rows {
                gatedResidualRow(px + r * d, py + r * d, gate: m.pointer(sample: r / tokens, chunk: gate), into: po + r * d, count: d)
            }
        }
    }

    /// One row of ``gatedResidual(_:_:modulation:gate:into:context:)``.
    @inline(__always)
    static func gatedResidualRow(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, gate gt: UnsafePointer<Float>,
                                 into o: UnsafeMutablePointer<Float>, count d: Int) {
        var j = 0
        while j < d {
            let lanes = min(8, d - j)
            let v = ElementwiseLoop.load(x + j, lanes) + ElementwiseLoop.load(gt + j, lanes) * ElementwiseLoop.load(y + j, lanes)
            ElementwiseLoop.store(v, o + j, lanes)
            j += 8
        }
    }

    /// Backward of the gated residual's branch: `dy = gate · dout`, `dgate[b] += Σ_t dout · y`.
    /// (The residual input's gradient is `dout` itself.)
    /// - Parameters:
    ///   - dOut: `[B, T, D]`; `y`: `[B, T, D]` branch output from the forward pass.
    ///   - dy: `[B, T, D]`, overwritten (must not be `dOut`).
    public static func gatedResidualBackward(_ dOut: Tensor, branch y: Tensor, modulation m: Modulation,
                                             gradient g: Modulation, gate: Int, branchGradient dy: Tensor,
                                             context: ComputeContext) {
        let d = m.width, batch = m.batch, tokens = y.count / (batch * d)
        precondition(dOut.count == y.count && dy.count == y.count, "gated residual backward: shapes differ")
        let pg = dOut.data, py = y.data, pd = dy.data
        context.parallelFor(batch) { samples in
            for b in samples {
                let gt = m.pointer(sample: b, chunk: gate), dgt = g.pointer(sample: b, chunk: gate)
                for t in 0..<tokens {
                    let base = (b * tokens + t) * d
                    gatedResidualBackwardRow(pg + base, branch: py + base, gate: gt, gateGradient: dgt, branchGradient: pd + base,
                                             count: d)
                }
            }
        }
    }

    /// One row of ``gatedResidualBackward(_:branch:modulation:gradient:gate:branchGradient:context:)``
    /// (rows of a sample must come in token order: the gate gradient accumulates).
    @inline(__always)
    static func gatedResidualBackwardRow(_ g: UnsafePointer<Float>, branch y: UnsafePointer<Float>, gate gt: UnsafePointer<Float>,
                                         gateGradient dgt: UnsafeMutablePointer<Float>, branchGradient dy: UnsafeMutablePointer<Float>,
                                         count d: Int) {
        var j = 0
        while j < d {
            let lanes = min(8, d - j)
            let gv = ElementwiseLoop.load(g + j, lanes)
            ElementwiseLoop.store(ElementwiseLoop.load(dgt + j, lanes) + gv * ElementwiseLoop.load(y + j, lanes), dgt + j, lanes)
            ElementwiseLoop.store(gv * ElementwiseLoop.load(gt + j, lanes), dy + j, lanes)
            j += 8
        }
    }
}

/// RMSNorm over the last axis with a learned per-channel weight: `y = x / √(mean(x²) + eps) · w`
/// (the QK-norm of MM-DiT attention, applied per head over `Dh`).
public struct RMSNorm: Sendable {
    /// Width `C` of the normalised axis.
    public let features: Int
    /// Epsilon added to the mean square.
    public let epsilon: Float
    /// Weight slot, `[C]`, initialised to ones, without weight decay.
    public let weight: ParameterSlot

    /// Registers `name.weight` in `layout`.
    public init(_ name: String, features: Int, epsilon: Float = 1e-6, layout: inout ParameterLayout) {
        self.features = features
        self.epsilon = epsilon
        weight = layout.add(name + ".weight", shape: [features], initializer: .constant(1), weightDecay: false)
    }

    /// Normalises each row of `x`.
    /// - Parameters:
    ///   - x: `[N, C]`; `y`: `[N, C]` output; `rstd`: `[N]` saved for backward.
    public func forward(_ x: Tensor, into y: Tensor, rstd: Tensor, parameters: ParameterStore, context: ComputeContext) {
        let c = features, n = x.count / c
        precondition(x.shape.last == c && y.count == x.count && rstd.count == n, "RMSNorm(\(c)): x \(x.shape)")
        let px = x.data, py = y.data, pr = rstd.data, w = parameters.valuePointer(weight), eps = epsilon
        context.parallelFor(n, minimumItemsPerThread: 64) { rows in
            for r in rows { pr[r] = RMSNorm.normalizeRow(px + r * c, into: py + r * c, weight: w, count: c, epsilon: eps) }
        }
    }

    /// `dx (+)= ∂L/∂x` and `dw += Σ_rows dy · x · rstd` (rows summed in order, channels split over threads).
    /// - Parameters:
    ///   - dy: `[N, C]`; `x`: `[N, C]` forward input; `rstd`: `[N]`; `dx`: `[N, C]`.
    public func backward(_ dy: Tensor, input x: Tensor, rstd: Tensor, inputGradient dx: Tensor, accumulate: Bool = false,
                         parameters: ParameterStore, context: ComputeContext) {
        let c = features, n = x.count / c
        precondition(dy.count == x.count && dx.count == x.count && rstd.count == n, "RMSNorm backward: shapes differ")
        let px = x.data, pdy = dy.data, pdx = dx.data, pr = rstd.data
        let w = parameters.valuePointer(weight), dw = parameters.gradientPointer(weight)
        context.parallelFor(n, minimumItemsPerThread: 64) { rows in
            for r in rows {
                RMSNorm.backwardRow(pdy + r * c, input: px + r * c, rstd: pr[r], weight: w, inputGradient: pdx + r * c,
                                    accumulate: accumulate, count: c)
            }
        }
        for r in 0..<n {
            let rs = pr[r]
            for j in 0..<c { dw[j] += pdy[r * c + j] * px[r * c + j] * rs }
        }
    }

    /// Normalises one row: `y = x · rstd · w` (`w` may be nil for no weight); returns `rstd`.
    @inline(__always)
    static func normalizeRow(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                             weight w: UnsafePointer<Float>?, count c: Int, epsilon: Float) -> Float {
        let rs = inverseRMS(x, count: c, epsilon: epsilon)
        if let w {
            for i in 0..<c { y[i] = x[i] * rs * w[i] }
        } else {
            for i in 0..<c { y[i] = x[i] * rs }
        }
        return rs
    }

    /// ``normalizeRow(_:into:weight:count:epsilon:)`` in place (`x ← x · rstd · w`), the same bytes: a loop over
    /// one pointer, which vectorises (with equal input and output pointers the vectoriser's overlap check sends
    /// the two-pointer loop down its scalar path).
    @inline(__always)
    static func normalizeRowInPlace(_ x: UnsafeMutablePointer<Float>, weight w: UnsafePointer<Float>?, count c: Int,
                                    epsilon: Float) -> Float {
        let rs = inverseRMS(x, count: c, epsilon: epsilon)
        if let w {
            for i in 0..<c { x[i] = x[i] * rs * w[i] }
        } else {
            for i in 0..<c { x[i] = x[i] * rs }
        }
        return rs
    }

    /// `1 / √(mean(x²) + ε)` of one row (SIMD8 lanes, then the tail).
    @inline(__always)
    static func inverseRMS(_ x: UnsafePointer<Float>, count c: Int, epsilon: Float) -> Float {
        var acc = SIMD8<Float>(), j = 0
        while j + 8 <= c { let v = SIMDMath.load(x + j); acc += v * v; j += 8 }
        var s = acc.sum()
        while j < c { s += x[j] * x[j]; j += 1 }
        return 1 / (s / Float(c) + epsilon).squareRoot()
    }

    /// Input gradient of one row: `dx = rstd·w·dy − x·rstd³·mean(dy·w·x)`.
    @inline(__always)
    static func backwardRow(_ dy: UnsafePointer<Float>, input x: UnsafePointer<Float>, rstd rs: Float,
                            weight w: UnsafePointer<Float>?, inputGradient dx: UnsafeMutablePointer<Float>,
                            accumulate: Bool, count c: Int) {
        var s: Float = 0
        if let w { for i in 0..<c { s += dy[i] * w[i] * x[i] } } else { for i in 0..<c { s += dy[i] * x[i] } }
        let k = s / Float(c) * rs * rs * rs
        for i in 0..<c {
            let v = rs * (w?[i] ?? 1) * dy[i] - x[i] * k
            dx[i] = accumulate ? dx[i] + v : v
        }
    }
}

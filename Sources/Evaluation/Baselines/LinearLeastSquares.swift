/// A small, deterministic ridge least-squares solver for many right-hand sides at once:
/// minimises ‖X·B − Y‖² + λ‖B_{1…}‖² (the intercept column 0 is not penalised) through the
/// normal equations and a Cholesky factorisation, all in Double.
///
/// Shape contract: the caller accumulates the Gram matrix `XᵀX` (`[p, p]`) and `XᵀY` (`[p, n]`).
public struct NormalEquations: Sendable {
    /// Number of regressors p (including the intercept column).
    public let p: Int
    /// Number of right-hand sides (grid cells) n.
    public let n: Int
    /// `XᵀX`, `[p, p]`.
    public private(set) var gram: [Double]
    /// `XᵀY`, `[p, n]`.
    public private(set) var moment: [Double]
    /// Rows accumulated.
    public private(set) var rows: Int = 0

    /// Empty system for `p` regressors and `n` right-hand sides.
    public init(p: Int, n: Int) {
        self.p = p
        self.n = n
        gram = [Double](repeating: 0, count: p * p)
        moment = [Double](repeating: 0, count: p * n)
    }

    /// Adds one observation row `x` (`[p]`) with targets `y` (`[n]`).
    public mutating func add(x: [Double], y: ArraySlice<Float>) {
        for i in 0..<p { for j in 0..<p { gram[i * p + j] += x[i] * x[j] } }
        moment.withUnsafeMutableBufferPointer { mom in
            for i in 0..<p {
                let xi = x[i]
                if xi == 0 { continue }
                var k = i * n
                for v in y { mom[k] += xi * Double(v); k += 1 }
            }
        }
        rows += 1
    }

    /// Solves for the coefficients `[p, n]` with ridge `lambda` on columns 1…p−1.
    public func solve(lambda: Double) throws(EvaluationError) -> [Double] {
        var a = gram
        for i in 1..<max(1, p) { a[i * p + i] += lambda }
        // Cholesky a = L·Lᵀ (in place, lower triangle).
        for j in 0..<p {
            var d = a[j * p + j]
            for k in 0..<j { d -= a[j * p + k] * a[j * p + k] }
            guard d > 1e-12 * max(1, abs(gram[j * p + j])) else {
                throw EvaluationError(.singularSystem, "normal equations are singular at column \(j) "
                                      + "(\(rows) rows, \(p) regressors); add data or raise the ridge")
            }
            let l = d.squareRoot()
            a[j * p + j] = l
            for i in (j + 1)..<p {
                var s = a[i * p + j]
                for k in 0..<j { s -= a[i * p + k] * a[j * p + k] }
                a[i * p + j] = s / l
            }
        }
        var b = moment
        // Forward then backward substitution, each over all n columns at once.
        for i in 0..<p {
            for k in 0..<i { let f = a[i * p + k]; for c in 0..<n { b[i * n + c] -= f * b[k * n + c] } }
            let d = a[i * p + i]
            for c in 0..<n { b[i * n + c] /= d }
        }
        for i in stride(from: p - 1, through: 0, by: -1) {
            for k in (i + 1)..<p { let f = a[k * p + i]; for c in 0..<n { b[i * n + c] -= f * b[k * n + c] } }
            let d = a[i * p + i]
            for c in 0..<n { b[i * n + c] /= d }
        }
        return b
    }
}

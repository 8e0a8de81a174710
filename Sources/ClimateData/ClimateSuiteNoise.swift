import Foundation

/// Spatially correlated, temporally AR(1) unit-variance noise on a simulator grid.
///
///     ξ_i(t) = sqrt(1 − w) Σ_{p,q} c_pq(t) Y_p(φ_i) Z_q(λ_i) / N(φ_i)  +  sqrt(w) u_i(t)
///     c_pq(t) = ρ c_pq(t−1) + sqrt(1 − ρ²) s_pq ε,   s_pq = 1 / (1 + (p² + q²) / 16)
///     u_i(t)  = ρ u_i(t−1)  + sqrt(1 − ρ²) ε
///
/// Y_p(φ) = cos(p (φ + 90°)) for p = 0…11 and Z_q ∈ {1, cos qλ, sin qλ} for q = 1…10 give
/// correlation lengths of roughly 15–25° (monthly anomalies); N(φ) normalises the spectral part
/// to unit variance at every latitude (cos² + sin² pairs make it independent of λ). Every draw
/// comes from a counter-based stream (frame index, coefficient or cell), so the noise of any
/// frame is reproducible whatever the order or thread.
public struct ClimateSuiteNoise: Sendable {
    /// Meridional modes.
    static let meridionalModes = 12
    /// Zonal wavenumbers (each a cos/sin pair) plus the zonal mean.
    static let zonalWaves = 10

    /// Grid size.
    let nlat: Int, nlon: Int
    /// Y_p(φ_j)/N(φ_j), shape [nlat, P].
    let meridional: [Float]
    /// Z_q(λ_i), shape [2Q+1, nlon].
    let zonal: [Float]
    /// s_pq, shape [P, 2Q+1].
    let scales: [Double]

    /// Number of spectral coefficients.
    var coefficientCount: Int { ClimateSuiteNoise.meridionalModes * (2 * ClimateSuiteNoise.zonalWaves + 1) }

    /// Builds the bases for `grid`.
    init(grid: SimulatorGrid) {
        nlat = grid.nlat
        nlon = grid.nlon
        let P = ClimateSuiteNoise.meridionalModes, Q = 2 * ClimateSuiteNoise.zonalWaves + 1
        var s = [Double](repeating: 0, count: P * Q)
        for p in 0..<P {
            for qq in 0..<Q {
                let q = (qq + 1) / 2
                s[p * Q + qq] = 1 / (1 + Double(p * p + q * q) / 16)
            }
        }
        scales = s
        var y = [Float](repeating: 0, count: nlat * P)
        for j in 0..<nlat {
            let phi = (grid.latitudes[j] + 90) * .pi / 180
            var row = [Double](repeating: 0, count: P)
            for p in 0..<P { row[p] = cos(Double(p) * phi) }
            // Σ over each cos/sin pair of s² Z² is s² (cos² + sin² = 1), so the variance depends on φ only.
            var variance = 0.0
            for p in 0..<P {
                var pairSum = s[p * Q]  * s[p * Q]
                for q in 1...ClimateSuiteNoise.zonalWaves { pairSum += s[p * Q + 2 * q - 1] * s[p * Q + 2 * q - 1] }
                variance += row[p] * row[p] * pairSum
            }
            let norm = 1 / variance.squareRoot()
            for p in 0..<P { y[j * P + p] = Float(row[p] * norm) }
        }
        meridional = y
        var z = [Float](repeating: 0, count: Q * nlon)
        for i in 0..<nlon {
            let lam = grid.longitudes[i] * .pi / 180
            z[i] = 1
            for q in 1...ClimateSuiteNoise.zonalWaves {
                z[(2 * q - 1) * nlon + i] = Float(cos(Double(q) * lam))
                z[(2 * q) * nlon + i] = Float(sin(Double(q) * lam))
            }
        }
        zonal = z
    }

    /// The AR(1) state of one noise field.
    struct State: Sendable {
        /// Spectral coefficients c_pq.
        var coefficients: [Double]
        /// Cell-scale part u_i.
        var white: [Float]
    }

    /// A stationary initial state drawn from `stream`.
    func initialState(_ stream: SimulatorRandom) -> State {
        var c = [Double](repeating: 0, count: coefficientCount)
        for k in 0..<c.count { c[k] = scales[k] * stream.normal(UInt64(k)) }
        var u = [Float](repeating: 0, count: nlat * nlon)
        stream.child("white").fillNormals(&u, first: 0)
        return State(coefficients: c, white: u)
    }

    /// Advances `state` by one month with AR(1) coefficient `rho`, drawing frame `frame` of
    /// `stream`, and writes the unit-variance field into `out` (shape [nlat, nlon]).
    func advance(_ state: inout State, rho: Double, whiteShare: Double, stream: SimulatorRandom, frame: UInt64,
                 scratch: inout [Float], out: inout [Float]) {
        let innovation = (1 - rho * rho).squareRoot()
        let count = coefficientCount
        let base = frame &* UInt64(count)
        for k in 0..<count {
            state.coefficients[k] = rho * state.coefficients[k] + innovation * scales[k] * stream.normal(base &+ UInt64(k))
        }
        let n = nlat * nlon
        if scratch.count != n { scratch = [Float](repeating: 0, count: n) }
        stream.child("white").fillNormals(&scratch, first: frame &* UInt64((n + 1) / 2))
        let P = ClimateSuiteNoise.meridionalModes, Q = 2 * ClimateSuiteNoise.zonalWaves + 1
        let a = Float((1 - whiteShare).squareRoot()), b = Float(whiteShare.squareRoot()), r = Float(rho), innov = Float(innovation)
        let lat = nlat, lon = nlon
        withUnsafeTemporaryAllocation(of: Float.self, capacity: P * Q + Q) { tmp in
            guard let coefficients = tmp.baseAddress else { return }
            let rowCoefficients = coefficients + P * Q
            for k in 0..<(P * Q) { coefficients[k] = Float(state.coefficients[k]) }
            meridional.withUnsafeBufferPointer { Yb in zonal.withUnsafeBufferPointer { Zb in
            scratch.withUnsafeBufferPointer { Eb in state.white.withUnsafeMutableBufferPointer { Ub in
            out.withUnsafeMutableBufferPointer { Ob in
                guard let Y = Yb.baseAddress, let Z = Zb.baseAddress, let E = Eb.baseAddress, let U = Ub.baseAddress,
                      let O = Ob.baseAddress else { return }
                for k in 0..<(lat * lon) { U[k] = r * U[k] + innov * E[k] }
                for j in 0..<lat {
                    for qq in 0..<Q { rowCoefficients[qq] = 0 }
                    for p in 0..<P {
                        let y = Y[j * P + p] * a
                        for qq in 0..<Q { rowCoefficients[qq] += y * coefficients[p * Q + qq] }
                    }
                    let o = O + j * lon, u = U + j * lon
                    for i in 0..<lon { o[i] = b * u[i] }
                    for qq in 0..<Q {
                        let c = rowCoefficients[qq]
                        let z = Z + qq * lon
                        for i in 0..<lon { o[i] += c * z[i] }
                    }
                }
            }}}}}
        }
    }
}

import Foundation

/// Gaussian latitudes and weights: the roots of the Legendre polynomial P_n and their
/// quadrature weights, computed by Newton iteration (as spectral models and CDO define them).
public enum GaussianLatitudes {
    /// The `n` Gaussian latitudes in degrees, ascending (south to north), and their weights (sum 2).
    public static func compute(_ n: Int) -> (latitudes: [Double], weights: [Double]) {
        guard n > 0 else { return ([], []) }
        var mu = [Double](repeating: 0, count: n), w = [Double](repeating: 0, count: n)
        let half = (n + 1) / 2
        for i in 0..<half {
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var dp = 1.0
            for _ in 0..<100 {
                // Recurrence: P_k = ((2k-1) x P_{k-1} - (k-1) P_{k-2}) / k.
                var pPrev = 1.0, p = x
                if n == 1 { pPrev = 1 } else {
                    for k in 2...n {
                        let pk = ((2 * Double(k) - 1) * x * p - (Double(k) - 1) * pPrev) / Double(k)
                        pPrev = p; p = pk
                    }
                }
                // P_n' = n (x P_n - P_{n-1}) / (x^2 - 1)
                dp = Double(n) * (x * p - pPrev) / (x * x - 1)
                let dx = p / dp
                x -= dx
                if abs(dx) < 1e-15 { break }
            }
            mu[i] = x; mu[n - 1 - i] = -x
            let wi = 2 / ((1 - x * x) * dp * dp)
            w[i] = wi; w[n - 1 - i] = wi
        }
        // mu runs north to south; return south to north.
        let lats = mu.reversed().map { asin($0) * 180 / Double.pi }
        return (lats, Array(w.reversed()))
    }

    /// Whether `lat` (ascending, degrees) are the `lat.count` Gaussian latitudes to within `tolerance` degrees.
    public static func matches(_ lat: [Double], tolerance: Double = 1e-4) -> Bool {
        guard lat.count >= 4 else { return false }
        let g = compute(lat.count).latitudes
        for (a, b) in zip(lat, g) where abs(a - b) > tolerance { return false }
        return true
    }
}

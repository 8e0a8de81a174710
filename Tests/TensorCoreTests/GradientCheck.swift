import TensorCore

/// Finite-difference gradient checking shared by the layer tests.
///
/// The checked scalar is `L = Σ wᵢ·yᵢ` over the layer outputs with fixed random weights `w`
/// (so `dy = w`), summed in Float64. For chosen elements of an input or parameter, the central
/// difference `(L(x+ε) − L(x−ε)) / 2ε` is compared with the analytic gradient.
enum GradientCheck {
    /// Σ w·y in Float64.
    static func dot(_ w: Tensor, _ y: Tensor) -> Double {
        var s = 0.0
        for i in 0..<y.count { s += Double(w[flat: i]) * Double(y[flat: i]) }
        return s
    }

    /// Worst `|fd − analytic| / (atol + rtol·|analytic|)` over `samples` elements of `tensor`
    /// (a value ≤ 1 passes). `analytic` holds the analytic gradient of the whole tensor.
    static func worst(_ tensor: Tensor, analytic: [Float], samples: Int = 24, epsilon: Float = 1e-2,
                      atol: Double = 2e-3, rtol: Double = 2e-2, seed: UInt64 = 7,
                      loss: () -> Double) -> Double {
        var rng = RandomStream(seed: seed)
        var worst = 0.0
        let picks = tensor.count <= samples ? Array(0..<tensor.count)
            : (0..<samples).map { _ in Int(rng.next() % UInt64(tensor.count)) }
        for i in picks {
            let saved = tensor[flat: i]
            tensor[flat: i] = saved + epsilon
            let lp = loss()
            tensor[flat: i] = saved - epsilon
            let lm = loss()
            tensor[flat: i] = saved
            let fd = (lp - lm) / (2 * Double(epsilon))
            let a = Double(analytic[i])
            let err = abs(fd - a) / (atol + rtol * abs(a))
            if err > worst { worst = err }
        }
        return worst
    }

    /// A tensor of `shape` with normals of standard deviation `std` from `seed`.
    static func random(_ shape: [Int], seed: UInt64, std: Float = 1) -> Tensor {
        let t = Tensor(zeros: shape)
        var rng = RandomStream(seed: seed)
        rng.fillNormal(t, std: std)
        return t
    }

    /// Fills every parameter of `store` with normals (so no path is zero, unlike adaLN-Zero init).
    static func randomize(_ store: ParameterStore, seed: UInt64, std: Float = 0.3) {
        var rng = RandomStream(seed: seed)
        rng.fillNormal(store.values, std: std)
    }
}

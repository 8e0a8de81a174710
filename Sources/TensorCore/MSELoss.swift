/// Mean squared error `L = mean((prediction − target)²)` over all elements.
public enum MSELoss {
    /// Returns the loss and writes `dL/dprediction = 2(prediction − target)/N` into `gradient` (if given).
    /// - Parameters:
    ///   - prediction, target: equal element counts (any shape).
    ///   - gradient: same count as `prediction`, overwritten; may be nil.
    ///   - scale: multiplies the gradient (e.g. for gradient accumulation over micro-batches).
    public static func forwardBackward(prediction: Tensor, target: Tensor, gradient: Tensor?, scale: Float = 1,
                                       context: ComputeContext) -> Double {
        let n = prediction.count
        precondition(target.count == n && (gradient?.count ?? n) == n,
                     "MSE: prediction \(prediction.shape), target \(target.shape)")
        let pp = prediction.data, pt = target.data, pg = gradient?.data
        let k = 2 * scale / Float(n)
        let total = Reduction.sum(count: n, context: context) { range in
            var acc = SIMD8<Float>(), i = range.lowerBound
            while i + 8 <= range.upperBound {
                let d = SIMDMath.load(pp + i) - SIMDMath.load(pt + i)
                acc += d * d
                if let pg { SIMDMath.store(k * d, pg + i) }
                i += 8
            }
            var s = Double(acc.sum())
            while i < range.upperBound {
                let d = pp[i] - pt[i]
                s += Double(d * d)
                pg?[i] = k * d
                i += 1
            }
            return s
        }
        return total / Double(max(n, 1))
    }
}

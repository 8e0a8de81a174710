import Foundation

/// AdamW (decoupled weight decay, bias correction) with global-norm clipping and a weight EMA.
public struct AdamWState: Sendable, Equatable {
    /// First moments, one array per parameter (parameter order).
    public var m: [[Float]]
    /// Second moments.
    public var v: [[Float]]
    /// EMA of the weights.
    public var ema: [[Float]]

    /// Zero moments and EMA = current weights.
    public init(params: ParameterSet) {
        let vals = params.flatValues()
        m = vals.map { [Float](repeating: 0, count: $0.count) }
        v = m
        ema = vals
    }

    /// One update at 0-based `step` with learning rate `lr`; returns the pre-clip gradient norm.
    @discardableResult
    public mutating func update(params: ParameterSet, step: Int, lr: Double, config: TrainingConfig) -> Double {
        var sq = 0.0
        for n in params.names { let g = params[n].grad; for x in g { sq += Double(x) * Double(x) } }
        let norm = sq.squareRoot()
        let clip: Float = config.gradientClip > 0 && norm > config.gradientClip ? Float(config.gradientClip / norm) : 1
        let b1 = Float(config.beta1), b2 = Float(config.beta2)
        let t = Double(step + 1)
        let c1 = Float(1 - pow(config.beta1, t)), c2 = Float(1 - pow(config.beta2, t))
        let flr = Float(lr), wd = Float(config.weightDecay)
        let decay = Float(min(config.emaDecay, (1 + Double(step)) / (10 + Double(step))))
        for (pi, n) in params.names.enumerated() {
            let p = params[n]
            if p.grad.isEmpty { p.ensureGrad() }
            // Biases (1-row arrays) get no weight decay; matrices and embedding tables do.
            let useDecay = p.rows > 1
            for k in 0..<p.value.count {
                let g = p.grad[k] * clip
                m[pi][k] = b1 * m[pi][k] + (1 - b1) * g
                v[pi][k] = b2 * v[pi][k] + (1 - b2) * g * g
                let mh = m[pi][k] / c1, vh = v[pi][k] / c2
                var w = p.value[k]
                if useDecay { w -= flr * wd * w }
                w -= flr * mh / (vh.squareRoot() + 1e-8)
                p.value[k] = w
                ema[pi][k] = decay * ema[pi][k] + (1 - decay) * w
            }
        }
        return norm
    }
}

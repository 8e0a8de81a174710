/// Hyper-parameters of AdamW.
public struct AdamWConfiguration: Sendable, Equatable, Codable {
    /// β₁ (first-moment decay).
    public var beta1: Float
    /// β₂ (second-moment decay).
    public var beta2: Float
    /// ε added to √v̂.
    public var epsilon: Float
    /// Decoupled weight decay λ (applied as `p ← p·(1 − lr·λ)` to parameters registered with decay).
    public var weightDecay: Float

    /// A configuration (PyTorch defaults except where given).
    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01) throws(TensorError) {
        guard (0..<1).contains(beta1), (0..<1).contains(beta2), epsilon > 0, weightDecay >= 0 else {
            throw TensorError(.invalidConfiguration, "AdamW needs 0 ≤ β < 1, ε > 0, λ ≥ 0; got β₁ \(beta1), β₂ \(beta2), ε \(epsilon), λ \(weightDecay)")
        }
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }
}

/// AdamW (Loshchilov & Hutter) with bias correction, over the flat parameter buffer in one loop.
public final class AdamW: @unchecked Sendable {
    /// Hyper-parameters.
    public let configuration: AdamWConfiguration
    /// First moments, `[P]`.
    public let m: Tensor
    /// Second moments, `[P]`.
    public let v: Tensor
    /// Updates applied so far.
    public private(set) var step: Int = 0
    /// The contiguous parameter ranges of the flat buffer (padding excluded, each taking weight decay or
    /// not) cut into pieces of at most ``pieceSize`` values: one parallel loop over all pieces
    /// updates every parameter (instead of one loop per segment, most of them a single bias).
    private let pieces: [(range: Range<Int>, decay: Bool)]
    /// Values per piece.
    static let pieceSize = 4096

    /// Optimizer state for the parameters of `layout`.
    public init(layout: ParameterLayout, configuration: AdamWConfiguration) {
        self.configuration = configuration
        m = Tensor(zeros: [layout.count])
        v = Tensor(zeros: [layout.count])
        var segs: [(range: Range<Int>, decay: Bool)] = []
        for (i, slot) in layout.slots.enumerated() {
            let end = slot.offset + slot.count
            let decay = layout.decays[i]
            if let last = segs.last, last.decay == decay, last.range.upperBound == slot.offset {
                segs[segs.count - 1].range = last.range.lowerBound..<end
            } else {
                segs.append((slot.offset..<end, decay))
            }
        }
        var cut: [(range: Range<Int>, decay: Bool)] = []
        for seg in segs {
            var lo = seg.range.lowerBound
            while lo < seg.range.upperBound {
                let hi = min(seg.range.upperBound, lo + Self.pieceSize)
                cut.append((lo..<hi, seg.decay))
                lo = hi
            }
        }
        pieces = cut
    }

    /// Applies one update with learning rate `learningRate` from the gradients in `parameters`.
    public func update(_ parameters: ParameterStore, learningRate: Float, context: ComputeContext) {
        precondition(parameters.values.count == m.count, "AdamW state is for \(m.count) values, store has \(parameters.values.count)")
        step += 1
        let c = configuration
        let bc1 = 1 - Float(Double(c.beta1).power(step)), bc2 = 1 - Float(Double(c.beta2).power(step))
        let stepSize = learningRate / bc1, rbc2 = 1 / bc2
        let pp = parameters.values.data, pg = parameters.gradients.data, pm = m.data, pv = v.data
        let decayed: Float = 1 - learningRate * c.weightDecay
        let b1 = c.beta1, b2 = c.beta2, eps = c.epsilon
        let pieces = self.pieces
        // Element-wise: each value's update is the same whichever worker runs its piece.
        context.parallelFor(pieces.count, minimumItemsPerThread: 16) { range in
            for i in range {
                let piece = pieces[i]
                AdamW.kernel(p: pp, g: pg, m: pm, v: pv, range: piece.range, beta1: b1, beta2: b2, epsilon: eps,
                             decayFactor: piece.decay ? decayed : 1, stepSize: stepSize, secondMomentScale: rbc2)
            }
        }
    }

    /// The update over one range; scalars arrive as arguments (not captured) so the loop vectorises.
    @inline(never)
    static func kernel(p: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
                       v: UnsafeMutablePointer<Float>, range: Range<Int>, beta1: Float, beta2: Float, epsilon: Float,
                       decayFactor: Float, stepSize: Float, secondMomentScale: Float) {
        for i in range {
            let gi = g[i]
            let mv = beta1 * m[i] + (1 - beta1) * gi
            let vv = beta2 * v[i] + (1 - beta2) * gi * gi
            m[i] = mv
            v[i] = vv
            p[i] = p[i] * decayFactor - stepSize * mv / (SIMDMath.squareRoot(vv * secondMomentScale) + epsilon)
        }
    }

    /// Moments and step as named arrays (`prefix` + `m`, `v`, `step`).
    public func stateDictionary(prefix: String = "optimizer/") -> StateDictionary {
        var d = StateDictionary()
        d.floats[prefix + "m"] = StateArray(shape: [m.count], values: m.toArray())
        d.floats[prefix + "v"] = StateArray(shape: [v.count], values: v.toArray())
        d.integers[prefix + "step"] = [UInt64(step)]
        return d
    }

    /// Restores moments and step from ``stateDictionary(prefix:)``.
    public func load(_ state: StateDictionary, prefix: String = "optimizer/") throws(TensorError) {
        let mv = try state.floatArray(prefix + "m", shape: [m.count])
        let vv = try state.floatArray(prefix + "v", shape: [v.count])
        let s = try state.integerArray(prefix + "step", count: 1)
        for i in 0..<m.count { m[flat: i] = mv[i]; v[flat: i] = vv[i] }
        step = Int(s[0])
    }
}

extension Double {
    /// `self` raised to a non-negative integer power (exact repeated squaring; no libm).
    func power(_ n: Int) -> Double {
        var result = 1.0, base = self, e = n
        while e > 0 {
            if e & 1 == 1 { result *= base }
            base *= base
            e >>= 1
        }
        return result
    }
}

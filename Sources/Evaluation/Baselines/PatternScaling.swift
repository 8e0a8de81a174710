/// Pattern scaling, ClimateBench's simple baseline: per cell (and per calendar month for
/// monthly data) a linear regression of the field on the global forcings,
/// `field(t, cell) = β₀(slot, cell) + Σ_f β_f(slot, cell) · z_f(t)`, with z the forcings
/// standardised by their training mean and standard deviation. Deterministic.
public struct PatternScaling: Sendable {
    /// Calendar slots: 12 for monthly fits, 1 for yearly.
    public let slotCount: Int
    /// Forcing features.
    public let featureCount: Int
    /// Cells per frame.
    public let cells: Int
    /// Training mean of each forcing feature.
    public let featureMean: [Double]
    /// Training standard deviation of each forcing feature (1 where constant).
    public let featureScale: [Double]
    /// Coefficients per slot, `[slot][(1 + featureCount), cells]`.
    public let coefficients: [[Double]]

    /// Restores a fitted model from its stored arrays (e.g. read back from a cached node output).
    /// - Parameter coefficients: per slot `[(1 + featureCount) * cells]`.
    public init(slotCount: Int, featureCount: Int, cells: Int, featureMean: [Double], featureScale: [Double],
                coefficients: [[Double]]) throws(EvaluationError) {
        guard slotCount >= 1, cells >= 1, featureMean.count == featureCount, featureScale.count == featureCount,
              featureScale.allSatisfy({ $0 != 0 && $0.isFinite }), coefficients.count == slotCount,
              coefficients.allSatisfy({ $0.count == (featureCount + 1) * cells }) else {
            throw EvaluationError(.shapeMismatch, "pattern-scaling arrays do not match \(slotCount) slot(s), "
                                  + "\(featureCount) feature(s), \(cells) cells")
        }
        self.slotCount = slotCount
        self.featureCount = featureCount
        self.cells = cells
        self.featureMean = featureMean
        self.featureScale = featureScale
        self.coefficients = coefficients
    }

    /// Fits on `runs` (all monthly or all yearly, same grid and features).
    /// - Parameter ridge: ridge penalty on the standardised slopes, relative to the number of rows per slot.
    public static func fit(runs: [BaselineTrainingRun], ridge: Double = 1e-6) throws(EvaluationError) -> PatternScaling {
        guard let first = runs.first else {
            throw EvaluationError(.insufficientData, "pattern scaling needs at least one training run")
        }
        let cells = first.cells, features = first.featureCount, slots = first.axis.calendarSlotCount
        for run in runs where run.cells != cells || run.featureCount != features
            || run.axis.calendarSlotCount != slots {
            throw EvaluationError(.shapeMismatch, "training runs disagree in cells, forcing features or timescale")
        }
        var mean = [Double](repeating: 0, count: features), sq = [Double](repeating: 0, count: features)
        var count = 0.0
        for run in runs { for row in run.forcings { for f in 0..<features { mean[f] += row[f]; sq[f] += row[f] * row[f] } ; count += 1 } }
        for f in 0..<features { mean[f] /= count }
        let scale = (0..<features).map { f -> Double in
            let v = sq[f] / count - mean[f] * mean[f]
            return v > 1e-24 * max(1, mean[f] * mean[f]) ? v.squareRoot() : 1
        }
        var systems = (0..<slots).map { _ in NormalEquations(p: features + 1, n: cells) }
        for run in runs {
            for t in 0..<run.axis.count {
                let x = [1.0] + (0..<features).map { (run.forcings[t][$0] - mean[$0]) / scale[$0] }
                systems[run.axis.calendarSlot(of: t)].add(x: x, y: run.field[(t * cells)..<((t + 1) * cells)])
            }
        }
        var coefficients: [[Double]] = []
        for s in 0..<slots {
            coefficients.append(try systems[s].solve(lambda: ridge * Double(max(1, systems[s].rows))))
        }
        return try PatternScaling(slotCount: slots, featureCount: features, cells: cells, featureMean: mean,
                                  featureScale: scale, coefficients: coefficients)
    }

    /// Predicted field `[time, lat, lon]` for `forcings` (`[time][feature]`) on `axis`.
    public func predict(forcings: [[Double]], axis: FrameAxis) throws(EvaluationError) -> [Float] {
        guard forcings.count == axis.count, forcings.allSatisfy({ $0.count == featureCount }) else {
            throw EvaluationError(.shapeMismatch, "prediction needs \(axis.count) frames of \(featureCount) forcings")
        }
        guard axis.calendarSlotCount == slotCount else {
            throw EvaluationError(.invalidArgument, "model was fitted on \(slotCount) calendar slot(s), "
                                  + "axis is \(axis.timescale.rawValue)")
        }
        var out = [Float](repeating: 0, count: axis.count * cells)
        var acc = [Double](repeating: 0, count: cells)
        for t in 0..<axis.count {
            let beta = coefficients[axis.calendarSlot(of: t)]
            for c in 0..<cells { acc[c] = beta[c] }
            for f in 0..<featureCount {
                let z = (forcings[t][f] - featureMean[f]) / featureScale[f]
                let base = (f + 1) * cells
                for c in 0..<cells { acc[c] += z * beta[base + c] }
            }
            for c in 0..<cells { out[t * cells + c] = Float(acc[c]) }
        }
        return out
    }

    /// The prediction as a one-member ensemble `[1, time, lat, lon]`.
    public func predictEnsemble(forcings: [[Double]], axis: FrameAxis) throws(EvaluationError) -> EnsembleField {
        try EnsembleField(members: 1, times: axis.count, cells: cells,
                          values: try predict(forcings: forcings, axis: axis))
    }
}

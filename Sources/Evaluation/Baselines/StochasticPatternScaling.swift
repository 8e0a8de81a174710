/// Stochastic pattern scaling, a MESMER-like probabilistic baseline: the pattern-scaling mean
/// plus whole-field residuals resampled from the ESM's own training runs, so each member carries
/// realistic, spatially coherent internal variability.
///
/// Residuals are drawn as segments of `blockYears` consecutive years (whole years of months for
/// monthly data, keeping the seasonal structure and the within-block autocorrelation), uniformly
/// from a pool of at most `poolFrames` frames' worth of segments spread evenly over the training
/// runs. Five-year blocks keep the decadal variability that independent years lose (on AR(1)
/// sample data: decadal CRPS 1.00× floor with 5-year blocks against 1.07× with single years). Member m uses
/// its own random stream of the seed, so the ensemble is bit-identical for a given seed and its
/// first members do not change when more are asked for.
public struct StochasticPatternScaling: Sendable {
    /// The deterministic part.
    public let regression: PatternScaling
    /// Frames per residual segment.
    public let segmentFrames: Int
    /// Residual segments, each `[segmentFrames, lat, lon]`.
    public let segments: [[Float]]

    /// Restores a fitted model from its regression and residual segments (`[segment][segmentFrames, lat, lon]`).
    public init(regression: PatternScaling, segmentFrames: Int, segments: [[Float]]) throws(EvaluationError) {
        guard segmentFrames >= 1, segmentFrames % regression.slotCount == 0, !segments.isEmpty,
              segments.allSatisfy({ $0.count == segmentFrames * regression.cells }) else {
            throw EvaluationError(.shapeMismatch, "residual segments must be non-empty, whole years and "
                                  + "\(segmentFrames) × \(regression.cells) values each")
        }
        self.regression = regression
        self.segmentFrames = segmentFrames
        self.segments = segments
    }

    /// Fits the regression and collects the residual pool.
    /// - Parameters:
    ///   - blockYears: years per resampled residual segment (1 = independent years).
    ///   - poolFrames: frames of residuals kept at most (memory bound: poolFrames × cells × 4 bytes);
    ///     at least one segment is always kept.
    public static func fit(runs: [BaselineTrainingRun], ridge: Double = 1e-6, blockYears: Int = 5,
                           poolFrames: Int = 2400) throws(EvaluationError) -> StochasticPatternScaling {
        guard blockYears >= 1, poolFrames >= 1 else {
            throw EvaluationError(.invalidArgument, "blockYears and poolFrames must be ≥ 1, got \(blockYears), \(poolFrames)")
        }
        let regression = try PatternScaling.fit(runs: runs, ridge: ridge)
        let frames = blockYears * regression.slotCount
        let poolSize = max(1, poolFrames / frames)
        let cells = regression.cells
        // Every aligned segment of every run, then an even subsample of at most poolSize.
        var candidates: [(run: Int, start: Int)] = []
        for (r, run) in runs.enumerated() {
            var start = 0
            while start + frames <= run.axis.count { candidates.append((r, start)); start += frames }
        }
        guard !candidates.isEmpty else {
            throw EvaluationError(.insufficientData, "no training run is \(blockYears) year(s) long")
        }
        let keep = min(poolSize, candidates.count)
        var segments: [[Float]] = []
        var predictions: [Int: [Float]] = [:]
        for i in 0..<keep {
            let (r, start) = candidates[i * candidates.count / keep]
            let run = runs[r]
            if predictions[r] == nil { predictions = [r: try regression.predict(forcings: run.forcings, axis: run.axis)] }
            guard let predicted = predictions[r] else { continue }
            var segment = [Float](repeating: 0, count: frames * cells)
            for k in 0..<(frames * cells) {
                let index = start * cells + k
                segment[k] = run.field[index] - predicted[index]
            }
            segments.append(segment)
        }
        return try StochasticPatternScaling(regression: regression, segmentFrames: frames, segments: segments)
    }

    /// An `members`-member ensemble `[M, time, lat, lon]` for `forcings` (`[time][feature]`) on `axis`.
    public func sample(forcings: [[Double]], axis: FrameAxis, members: Int,
                       seed: UInt64) throws(EvaluationError) -> EnsembleField {
        guard members >= 1 else { throw EvaluationError(.invalidArgument, "members must be ≥ 1, got \(members)") }
        let mean = try regression.predict(forcings: forcings, axis: axis)
        let cells = regression.cells, t = axis.count
        var out = [Float](repeating: 0, count: members * t * cells)
        for m in 0..<members {
            var rng = SeededGenerator(seed: seed, stream: UInt64(m))
            var frame = 0
            while frame < t {
                let segment = segments[rng.nextInt(below: segments.count)]
                let n = min(segmentFrames, t - frame)
                let o = (m * t + frame) * cells
                for k in 0..<(n * cells) { out[o + k] = mean[frame * cells + k] + segment[k] }
                frame += n
            }
        }
        return try EnsembleField(members: members, times: t, cells: cells, values: out)
    }
}

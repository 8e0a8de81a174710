/// Stochastic pattern scaling, a MESMER-like probabilistic baseline: the pattern-scaling mean
/// plus whole-field residuals resampled from the ESM's own training runs, so each member carries
/// realistic, spatially coherent internal variability.
///
/// Residuals are drawn as segments of `blockYears` consecutive years (whole years of months for
/// monthly data, keeping the seasonal structure and the within-block autocorrelation), uniformly
/// from a pool of at most `poolSize` segments spread evenly over the training runs. Member m uses
/// its own random stream of the seed, so the ensemble is bit-identical for a given seed and its
/// first members do not change when more are asked for.
public struct StochasticPatternScaling: Sendable {
    /// The deterministic part.
    public let regression: PatternScaling
    /// Frames per residual segment.
    public let segmentFrames: Int
    /// Residual segments, each `[segmentFrames, lat, lon]`.
    public let segments: [[Float]]

    /// Fits the regression and collects the residual pool.
    /// - Parameters:
    ///   - blockYears: years per resampled residual segment (1 = independent years).
    ///   - poolSize: maximum number of residual segments kept (memory bound).
    public static func fit(runs: [TrainingRun], ridge: Double = 1e-6, blockYears: Int = 1,
                           poolSize: Int = 200) throws(EvaluationError) -> StochasticPatternScaling {
        guard blockYears >= 1, poolSize >= 1 else {
            throw EvaluationError(.invalidArgument, "blockYears and poolSize must be ≥ 1, got \(blockYears), \(poolSize)")
        }
        let regression = try PatternScaling.fit(runs: runs, ridge: ridge)
        let frames = blockYears * regression.slotCount
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
        return StochasticPatternScaling(regression: regression, segmentFrames: frames, segments: segments)
    }

    /// An `members`-member ensemble `[M, time, lat, lon]` for `forcings` (`[time][feature]`) on `axis`.
    public func sample(forcings: [[Double]], axis: TimeAxis, members: Int,
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

/// A path through the pyramid: the timescale level of every stage (non-decreasing).
///
/// With K = 3 and D/Y/M: DDD = [0,0,0] (decadal output), DYY = [0,1,1], DYM = [0,1,2].
public struct PyramidPath: Codable, Sendable, Equatable, Hashable {
    /// Timescale level (index into `PyramidConfig.timescales`) of each stage.
    public var levels: [Int]

    /// Creates a path from explicit per-stage levels.
    public init(levels: [Int]) { self.levels = levels }

    /// Time jumps first, then spatial-only jumps (the Bernoulli switch made monotone, guess §1.6).
    public static func timeFirst(targetLevel: Int, stageCount: Int) -> PyramidPath {
        PyramidPath(levels: (0..<stageCount).map { min($0, targetLevel) })
    }

    /// The output timescale level.
    public var targetLevel: Int { levels.last ?? 0 }

    /// Short name such as "DYM".
    public func name(in config: PyramidConfig) -> String {
        levels.map { lvl -> String in
            guard lvl < config.timescales.count else { return "?" }
            switch config.timescales[lvl] {
            case .decadal: return "D"
            case .yearly: return "Y"
            case .monthly: return "M"
            }
        }.joined()
    }

    /// Timescale of stage `stage`.
    public func timescale(stage: Int, in config: PyramidConfig) -> Timescale { config.timescales[levels[stage]] }

    /// Per-axis factors (r_t, r_h, r_w) of the jump into `stage` (stage ≥ 1).
    public func jumpFactors(into stage: Int, in config: PyramidConfig) -> (rt: Int, rh: Int, rw: Int) {
        let coarse = timescale(stage: stage - 1, in: config).months
        let fine = timescale(stage: stage, in: config).months
        return (coarse / fine, config.spatialFactors[stage - 1][0], config.spatialFactors[stage - 1][1])
    }

    /// Block size n = r_h·r_w·r_t of the jump into `stage`.
    public func blockSize(into stage: Int, in config: PyramidConfig) -> Int {
        let f = jumpFactors(into: stage, in: config)
        return f.rt * f.rh * f.rw
    }

    /// Checks the levels against a pyramid.
    public func validate(in config: PyramidConfig) throws {
        guard levels.count == config.stageCount else {
            throw SPFModelError(.invalidConfiguration, "path \(levels) has \(levels.count) stages, pyramid has \(config.stageCount)")
        }
        for (j, l) in levels.enumerated() {
            guard l >= 0, l < config.timescales.count else {
                throw SPFModelError(.invalidConfiguration, "path level \(l) at stage \(j) outside timescales \(config.timescales)")
            }
            if j > 0 {
                guard l >= levels[j - 1] else {
                    throw SPFModelError(.invalidConfiguration, "path \(levels) must be non-decreasing")
                }
                let coarse = config.timescales[levels[j - 1]].months, fine = config.timescales[l].months
                guard coarse % fine == 0 else {
                    throw SPFModelError(.invalidConfiguration, "timescale ratio \(coarse)/\(fine) not integral")
                }
            }
        }
    }

    /// Flow windows of every stage on this path.
    public func windows(in config: PyramidConfig) -> [StageWindow] {
        var out: [StageWindow] = []
        for j in 0..<config.stageCount {
            let end = config.stageEnds[j]
            if j == 0 {
                out.append(StageWindow(start: 0, end: end, blockSize: 1))
            } else {
                out.append(StageWindow.after(previousEnd: config.stageEnds[j - 1], end: end,
                                             blockSize: blockSize(into: j, in: config)))
            }
        }
        return out
    }
}

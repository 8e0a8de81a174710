/// Geometry and flow windows of a K-stage spatiotemporal pyramid (value type, Codable).
///
/// Stages are numbered 0..<K from coarsest to finest. Jump `j` (into stage j, j ≥ 1) refines space by
/// `spatialFactors[j-1] = [r_h, r_w]` and, on a path that refines time there, time by the ratio of the
/// two stages' timescales. Stage ends E_j are fixed; starts S_j follow from the jump's block size
/// (spf-method.md §1.3–1.4, guess 1–2: E = 1/3, 2/3, 1 and S derived per path).
public struct PyramidConfig: Codable, Sendable, Equatable {
    /// Full-resolution grid height (latitudes).
    public var height: Int
    /// Full-resolution grid width (longitudes).
    public var width: Int
    /// Output variables (C), e.g. ["tas", "pr"].
    public var variables: [String]
    /// Timescale hierarchy, coarse to fine (default decadal, yearly, monthly).
    public var timescales: [Timescale]
    /// Per-jump spatial factors [r_h, r_w]; K-1 entries.
    public var spatialFactors: [[Int]]
    /// Flow-time end of every stage, E_0 < E_1 < ... < E_{K-1} = 1.
    public var stageEnds: [Double]
    /// Euler steps per stage when sampling.
    public var stepsPerStage: [Int]
    /// Frames of one stage-0 item (training window and sampling chunk), e.g. 1 decade, or 12 months for a flat monthly flow.
    public var stage0Frames: Int
    /// Autoregressive baseline: every item is conditioned on the previous item-window (clean history tokens).
    public var autoregressive: Bool

    /// Creates a configuration; `validate()` checks it.
    public init(height: Int, width: Int, variables: [String],
                timescales: [Timescale] = [.decadal, .yearly, .monthly],
                spatialFactors: [[Int]] = [[2, 2], [2, 2]],
                stageEnds: [Double] = [1.0 / 3.0, 2.0 / 3.0, 1.0],
                stepsPerStage: [Int] = [10, 10, 10], stage0Frames: Int = 1, autoregressive: Bool = false) {
        self.height = height
        self.width = width
        self.variables = variables
        self.timescales = timescales
        self.spatialFactors = spatialFactors
        self.stageEnds = stageEnds
        self.stepsPerStage = stepsPerStage
        self.stage0Frames = stage0Frames
        self.autoregressive = autoregressive
    }

    /// The flat baseline: one full-resolution stage at a native timescale, items of `frames` frames.
    public static func flat(height: Int, width: Int, variables: [String], timescale: Timescale, frames: Int, steps: Int) -> PyramidConfig {
        PyramidConfig(height: height, width: width, variables: variables, timescales: [timescale], spatialFactors: [],
                      stageEnds: [1], stepsPerStage: [steps], stage0Frames: frames)
    }

    /// The autoregressive pyramidal baseline: a spatial-only pyramid at a native timescale generating one window of
    /// `frames` frames (a year) at a time, conditioned on the previous window.
    public static func autoregressivePyramid(height: Int, width: Int, variables: [String], timescale: Timescale, frames: Int,
                                             spatialFactors: [[Int]] = [[2, 2], [2, 2]], steps: [Int] = [10, 10, 10]) -> PyramidConfig {
        let k = spatialFactors.count + 1
        return PyramidConfig(height: height, width: width, variables: variables, timescales: [timescale], spatialFactors: spatialFactors,
                             stageEnds: (1...k).map { Double($0) / Double(k) }, stepsPerStage: steps, stage0Frames: frames,
                             autoregressive: true)
    }

    /// Months spanned by one stage-0 item.
    public var stage0SpanMonths: Int { stage0Frames * (timescales.first?.months ?? 1) }

    /// The paper's default D→Y→M pyramid (×2×2 per jump, ×10 and ×12 in time) on an H×W grid.
    public static func decadalYearlyMonthly(height: Int, width: Int, variables: [String]) -> PyramidConfig {
        PyramidConfig(height: height, width: width, variables: variables)
    }

    /// Number of stages K.
    public var stageCount: Int { stageEnds.count }
    /// Number of output variables C.
    public var channels: Int { variables.count }

    /// Checks divisibility, monotone windows and list lengths.
    public func validate() throws {
        let k = stageCount
        guard k >= 1 else { throw SPFModelError(.invalidConfiguration, "pyramid needs at least one stage") }
        guard spatialFactors.count == k - 1 else {
            throw SPFModelError(.invalidConfiguration, "spatialFactors has \(spatialFactors.count) entries, need K-1 = \(k - 1)")
        }
        guard stepsPerStage.count == k, stepsPerStage.allSatisfy({ $0 >= 1 }) else {
            throw SPFModelError(.invalidConfiguration, "stepsPerStage must have K = \(k) positive entries, got \(stepsPerStage)")
        }
        guard stage0Frames >= 1 else { throw SPFModelError(.invalidConfiguration, "stage0Frames must be ≥ 1") }
        if autoregressive && timescales.count != 1 {
            throw SPFModelError(.invalidConfiguration, "the autoregressive baseline uses one native timescale, got \(timescales)")
        }
        guard !variables.isEmpty else { throw SPFModelError(.invalidConfiguration, "no output variables") }
        guard !timescales.isEmpty else { throw SPFModelError(.invalidConfiguration, "no timescales") }
        for i in 1..<max(timescales.count, 1) where timescales[i].months >= timescales[i - 1].months {
            throw SPFModelError(.invalidConfiguration, "timescales must go coarse to fine, got \(timescales)")
        }
        for f in spatialFactors where f.count != 2 || f[0] < 1 || f[1] < 1 {
            throw SPFModelError(.invalidConfiguration, "spatial factor \(f) must be [r_h, r_w] with positive entries")
        }
        var prev = 0.0
        for (j, e) in stageEnds.enumerated() {
            guard e > prev, e <= 1 else {
                throw SPFModelError(.invalidConfiguration, "stage end E_\(j) = \(e) must increase within (0, 1]")
            }
            prev = e
        }
        guard abs(stageEnds[k - 1] - 1) < 1e-12 else {
            throw SPFModelError(.invalidConfiguration, "last stage must end at 1, got \(stageEnds[k - 1])")
        }
        let (fh, fw) = cumulativeSpatialFactor(stage: 0)
        guard height % fh == 0, width % fw == 0 else {
            throw SPFModelError(.invalidConfiguration, "grid \(height)x\(width) not divisible by pyramid factor \(fh)x\(fw)")
        }
    }

    /// Spatial downsampling factor (h, w) from full resolution to stage `stage`.
    public func cumulativeSpatialFactor(stage: Int) -> (Int, Int) {
        var fh = 1, fw = 1
        if stage + 1 <= stageCount - 1 {
            for j in (stage + 1)..<stageCount {
                fh *= spatialFactors[j - 1][0]
                fw *= spatialFactors[j - 1][1]
            }
        }
        return (fh, fw)
    }

    /// Grid (h, w) of stage `stage`.
    public func grid(stage: Int) -> (Int, Int) {
        let (fh, fw) = cumulativeSpatialFactor(stage: stage)
        return (height / fh, width / fw)
    }

    /// The paths this pyramid trains and samples: one per target timescale level, time jumps first
    /// (level of stage j = min(j, target)); for K = 3 with D/Y/M these are DDD, DYY and DYM.
    public var paths: [PyramidPath] {
        (0..<timescales.count).map { PyramidPath.timeFirst(targetLevel: $0, stageCount: stageCount) }
    }

    /// The path whose output timescale is `target`.
    public func path(for target: Timescale) throws -> PyramidPath {
        guard let level = timescales.firstIndex(of: target) else {
            throw SPFModelError(.invalidConfiguration, "timescale \(target) is not in this pyramid (\(timescales))")
        }
        return PyramidPath.timeFirst(targetLevel: level, stageCount: stageCount)
    }
}

/// The autoregressive pyramidal baseline's sampler: one window (e.g. a year) at a time through a spatial-only
/// pyramid, each window conditioned on the previously generated window (Pyramid-Flow-style history tokens).
public struct AutoregressiveSampler: Sendable {
    /// The stage-by-stage sampler of one window.
    public let sampler: PyramidSampler

    /// Creates a sampler; the pyramid must be an autoregressive one whose window is a whole number of years.
    public init(config: PyramidConfig, solver: ODESolver = .euler) throws {
        guard config.autoregressive else {
            throw SPFModelError(.invalidConfiguration, "AutoregressiveSampler needs an autoregressive pyramid")
        }
        guard config.stage0SpanMonths % 12 == 0 else {
            throw SPFModelError(.invalidConfiguration, "autoregressive window of \(config.stage0SpanMonths) months is not whole years")
        }
        sampler = try PyramidSampler(config: config, solver: solver)
    }

    /// Samples the request window after window; `initialHistory` ([members, frames, C, H, W], normalised) conditions
    /// the first window (zeros if nil). Returns values [members, frames, C, H, W] in time order and frame starts.
    public func sample(_ request: SamplingRequest, forcing: ForcingSeries, velocity: any VelocityField,
                       initialHistory: [Float]? = nil) throws -> (values: [Float], shape: FieldShape, frameStarts: [Int]) {
        try request.validate()
        let cfg = sampler.config
        let span = cfg.stage0SpanMonths
        let origin = request.decadeOriginYear * 12
        let range = request.monthRange
        var start = origin + Int((Double(range.lowerBound - origin) / Double(span)).rounded(.down)) * span
        var history = initialHistory
        var perMember: [[Float]] = Array(repeating: [], count: request.members.count)
        var frameStarts: [Int] = []
        var frameShape: FieldShape?
        while start < range.upperBound {
            var sub = request
            sub.startYear = start / 12
            sub.years = span / 12
            let st = try sampler.sample(sub, forcing: forcing, velocity: velocity, history: history)
            let out = try sampler.output(st)
            let per = out.shape.perItem
            for k in 0..<request.members.count { perMember[k] += out.values[(k * per)..<((k + 1) * per)] }
            frameStarts += out.frameStarts
            frameShape = out.shape
            history = out.values
            start += span
        }
        guard let fs = frameShape else { throw SPFModelError(.invalidConfiguration, "empty autoregressive request") }
        // Keep only frames inside the requested period.
        let months = cfg.timescales[0].months
        let keep = frameStarts.indices.filter { frameStarts[$0] < range.upperBound && frameStarts[$0] + months > range.lowerBound }
        let framePer = fs.channels * fs.height * fs.width
        var values: [Float] = []
        for k in 0..<request.members.count {
            for f in keep { values += perMember[k][(f * framePer)..<((f + 1) * framePer)] }
        }
        return (values, FieldShape(items: request.members.count, frames: keep.count, channels: fs.channels, height: fs.height,
                                   width: fs.width), keep.map { frameStarts[$0] })
    }
}

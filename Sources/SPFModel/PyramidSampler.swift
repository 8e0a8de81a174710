import TensorCore

/// Stage-by-stage SPF sampling through explicit `SamplerState`s (spf-method.md Algorithm 2).
///
/// `initialState` → `runStage(0)` → `runStage(1)` → … ; every call is a pure function of its inputs, so a
/// pipeline can cache each stage, resume between stages and branch one stage-0 state into several requests.
public struct PyramidSampler: Sendable {
    /// The pyramid.
    public let config: PyramidConfig
    /// How every stage integrates its window (a sampling-time choice, like the step counts).
    public let solver: ODESolver

    /// Creates a sampler for a validated pyramid.
    public init(config: PyramidConfig, solver: ODESolver = .euler) throws {
        try config.validate()
        self.config = config
        self.solver = solver
    }

    /// RNG stream of the stage-0 noise (stage 0) or of the renoising into `stage`, for one member and one
    /// parent frame (absolute month) — independent of batch composition and of other requested periods.
    public static func noiseStream(seed: UInt64, member: Int, stage: Int, frameStart: Int) -> RandomStream {
        RandomStream(seed: seed).child(UInt64(bitPattern: Int64(member))).child(UInt64(bitPattern: Int64(stage)))
            .child(UInt64(bitPattern: Int64(frameStart)))
    }

    /// The standard normals member `member` draws at `stage` for the parent frame at `frameStart`. With
    /// `antithetic`, member 2k + 1 takes member 2k's draws negated, so a pair's noise sums to zero.
    public static func memberNoise(seed: UInt64, member: Int, stage: Int, frameStart: Int, count: Int,
                                   antithetic: Bool) -> [Float] {
        let odd = antithetic && member % 2 == 1
        var stream = noiseStream(seed: seed, member: odd ? SamplingRequest.antitheticPartner(of: member) : member, stage: stage,
                                 frameStart: frameStart)
        var z = stream.normals(count: count)
        if odd { for k in z.indices { z[k] = -z[k] } }
        return z
    }

    /// The state before stage 0: metadata only. Stage-0 items are the aligned windows of `config.stage0Frames`
    /// frames (e.g. one decade) that overlap the period, member-major.
    public func initialState(_ request: SamplingRequest) throws -> SamplerState {
        try request.validate()
        let path = try config.path(for: request.target)
        let span = config.stage0SpanMonths
        let origin = request.decadeOriginYear * 12
        let range = request.monthRange
        let first = origin + Int((Double(range.lowerBound - origin) / Double(span)).rounded(.down)) * span
        var windowStarts: [Int] = []
        var s = first
        while s < range.upperBound {
            windowStarts.append(s)
            s += span
        }
        let (h, w) = config.grid(stage: 0)
        let shape = FieldShape(items: request.members.count * windowStarts.count, frames: config.stage0Frames, channels: config.channels,
                               height: h, width: w)
        let info = SamplerStateInfo(config: config, path: path, request: request, completedStage: -1, shape: shape,
                                    itemMember: request.members.flatMap { m in windowStarts.map { _ in m } },
                                    itemFrameStart: request.members.flatMap { _ in windowStarts }, rngStreamPositions: [])
        return SamplerState(info: info, latent: [])
    }

    /// A new request branched from a state: same members and seed, another period or output timescale.
    /// Allowed when the already-completed stages of both paths coincide and the period lies inside the state's frames.
    public func branch(_ state: SamplerState, target: Timescale, startYear: Int, years: Int) throws -> SamplerState {
        let newPath = try config.path(for: target)
        let done = state.info.completedStage
        if done >= 0 {
            guard Array(newPath.levels[0...done]) == Array(state.info.path.levels[0...done]) else {
                throw SPFModelError(.invalidState, "cannot branch path \(state.info.path.levels) after stage \(done) into \(newPath.levels)")
            }
        }
        var req = state.info.request
        req.target = target
        req.startYear = startYear
        req.years = years
        try req.validate()
        let months = config.timescales[state.info.path.levels[max(done, 0)]].months
        // The new period must lie inside the frames the state covers (the union of its items' frames):
        // funneling then keeps only the items and frames of that period.
        if done >= 0, state.info.shape.items > 0 {
            let span = state.info.shape.frames * months
            let lo = state.info.itemFrameStart.min() ?? 0, hi = (state.info.itemFrameStart.max() ?? 0) + span
            guard req.monthRange.lowerBound >= lo, req.monthRange.upperBound <= hi else {
                throw SPFModelError(.invalidState, "branch period \(startYear)+\(years)y outside the state's frames")
            }
        }
        var out = state
        out.info.path = newPath
        out.info.request = req
        return out
    }

    /// Runs stage `stage` from a state whose last completed stage is `stage − 1`: jump (funnel + renoise)
    /// if stage > 0, then integration over the stage window with `velocity` (`solver`, the config's step count).
    ///
    /// `history` (autoregressive baseline only): the previous window of every item at full resolution,
    /// normalised, [I, stage0Frames, C, H, W]; it is block-averaged to each stage's grid.
    public func runStage(_ stage: Int, from state: SamplerState, forcing: ForcingSeries,
                         velocity: any VelocityField, history: [Float]? = nil) throws -> SamplerState {
        var info = state.info
        // Step counts (and the solver) may differ between stages' runs (a sampling-time choice); everything else must match.
        var comparable = info.config
        comparable.stepsPerStage = config.stepsPerStage
        guard comparable == config else { throw SPFModelError(.invalidState, "state belongs to another pyramid") }
        info.config = config
        guard stage >= 0, stage < config.stageCount else {
            throw SPFModelError(.invalidState, "stage \(stage) outside 0..<\(config.stageCount)")
        }
        guard info.completedStage == stage - 1 else {
            throw SPFModelError(.invalidState, "state completed stage \(info.completedStage); cannot run stage \(stage)")
        }
        try info.path.validate(in: config)
        let seed = info.request.seed
        let windows = info.path.windows(in: config)
        var x: [Float]
        var shape: FieldShape
        var members = info.itemMember
        var starts = info.itemFrameStart
        var positions = info.rngStreamPositions
        if stage == 0 {
            shape = info.shape
            x = []
            x.reserveCapacity(shape.count)
            for i in 0..<shape.items {
                x.append(contentsOf: Self.memberNoise(seed: seed, member: members[i], stage: 0, frameStart: starts[i],
                                                      count: shape.perItem, antithetic: info.request.antithetic))
            }
            positions.append(shape.perItem)
        } else {
            let f = info.path.jumpFactors(into: stage, in: config)
            var cur = state.latent
            var cs = info.shape
            if f.rt > 1 {
                // Temporal funneling: keep only parent frames overlapping the request, one item per kept frame.
                let pm = config.timescales[info.path.levels[stage - 1]].months
                let period = info.request.monthRange
                var nm: [Int] = [], ns: [Int] = [], kept: [Float] = []
                let per = cs.channels * cs.height * cs.width
                for i in 0..<cs.items {
                    for fr in 0..<cs.frames {
                        let lo = starts[i] + fr * pm
                        guard lo < period.upperBound && lo + pm > period.lowerBound else { continue }
                        nm.append(members[i])
                        ns.append(lo)
                        let base = (i * cs.frames + fr) * per
                        kept.append(contentsOf: cur[base..<(base + per)])
                    }
                }
                guard !nm.isEmpty else {
                    throw SPFModelError(.invalidState, "no frame of stage \(stage - 1) overlaps the requested period")
                }
                cur = kept
                cs = FieldShape(items: nm.count, frames: 1, channels: cs.channels, height: cs.height, width: cs.width)
                members = nm
                starts = ns
            }
            let win = windows[stage]
            let a = win.renoiseScale(previousEnd: windows[stage - 1].end)
            let fine = FieldShape(items: cs.items, frames: cs.frames * f.rt, channels: cs.channels,
                                  height: cs.height * f.rh, width: cs.width * f.rw)
            var z: [Float] = []
            z.reserveCapacity(fine.count)
            for i in 0..<cs.items {
                z.append(contentsOf: Self.memberNoise(seed: seed, member: members[i], stage: stage, frameStart: starts[i],
                                                      count: fine.perItem, antithetic: info.request.antithetic))
            }
            positions.append(fine.perItem)
            (x, shape) = try PyramidOps.renoise(cur, cs, rt: f.rt, rh: f.rh, rw: f.rw,
                                                scale: a, noiseScale: win.renoiseNoiseScale, normals: z)
        }
        let timescale = info.path.timescale(stage: stage, in: config)
        var context = StageContext.build(stage: stage, timescale: timescale, path: info.path, shape: shape,
                                         frameStart: starts, source: Array(repeating: info.request.source, count: shape.items),
                                         forcing: forcing)
        if config.autoregressive {
            let full = FieldShape(items: shape.items, frames: shape.frames, channels: shape.channels, height: config.height, width: config.width)
            let hist = history ?? [Float](repeating: 0, count: full.count)
            guard hist.count == full.count else {
                throw SPFModelError(.shapeMismatch, "history has \(hist.count) values, expected \(full.dims)")
            }
            let (fh, fw) = config.cumulativeSpatialFactor(stage: stage)
            let (hs, hsh) = try PyramidOps.down(hist, full, rt: 1, rh: fh, rw: fw)
            context.history = hs
            context.historyFrames = hsh.frames
        }
        x = try solver.integrate(consume x, window: windows[stage], steps: config.stepsPerStage[stage], context: context, velocity: velocity)
        var out = info
        out.completedStage = stage
        out.shape = shape
        out.itemMember = members
        out.itemFrameStart = starts
        out.rngStreamPositions = positions
        return SamplerState(info: out, latent: x)
    }

    /// Runs all stages of a request.
    public func sample(_ request: SamplingRequest, forcing: ForcingSeries, velocity: any VelocityField,
                       history: [Float]? = nil) throws -> SamplerState {
        var state = try initialState(request)
        for k in 0..<config.stageCount {
            state = try runStage(k, from: state, forcing: forcing, velocity: velocity, history: history)
        }
        return state
    }

    /// The final-stage frames inside the requested period, per member in time order:
    /// values [members, frames, C, H, W] and the start month of each frame.
    public func output(_ state: SamplerState) throws -> (values: [Float], shape: FieldShape, frameStarts: [Int]) {
        let info = state.info
        guard info.completedStage == config.stageCount - 1 else {
            throw SPFModelError(.invalidState, "state completed stage \(info.completedStage) of \(config.stageCount)")
        }
        let months = info.path.timescale(stage: config.stageCount - 1, in: config).months
        let s = info.shape
        let per = s.channels * s.height * s.width
        let period = info.request.monthRange
        var values: [Float] = []
        var frameStarts: [Int] = []
        var framesPerMember = -1
        for member in info.request.members {
            var frames: [(Int, Int, Int)] = []  // (start month, item, frame)
            for i in 0..<s.items where info.itemMember[i] == member {
                for f in 0..<s.frames {
                    let lo = info.itemFrameStart[i] + f * months
                    if lo < period.upperBound && lo + months > period.lowerBound { frames.append((lo, i, f)) }
                }
            }
            frames.sort { $0.0 < $1.0 }
            if framesPerMember < 0 {
                framesPerMember = frames.count
                frameStarts = frames.map { $0.0 }
            }
            for (_, i, f) in frames {
                let base = (i * s.frames + f) * per
                values.append(contentsOf: state.latent[base..<(base + per)])
            }
        }
        return (values, FieldShape(items: info.request.members.count, frames: max(framesPerMember, 0), channels: s.channels,
                                   height: s.height, width: s.width), frameStarts)
    }
}

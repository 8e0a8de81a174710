import Foundation
import TensorCore

/// Progress of a training run, reported after every step.
public struct TrainingProgress: Sendable {
    /// Steps completed.
    public var step: Int
    /// Total steps.
    public var totalSteps: Int
    /// Mean loss of this step's examples per stage (nil if the stage had none).
    public var lossPerStage: [Double?]
    /// Steps per second since this process started training.
    public var stepsPerSecond: Double
    /// Estimated seconds to the end.
    public var etaSeconds: Double
}

/// Small Codable metadata of a training state (the arrays carry parameters, moments and EMA).
public struct TrainerStateInfo: Codable, Sendable, Equatable {
    /// Steps completed.
    public var step: Int
    /// Backbone configuration.
    public var model: MMDiTConfig
    /// Pyramid.
    public var pyramid: PyramidConfig
    /// Training configuration.
    public var training: TrainingConfig
    /// Normalisation statistics (training split).
    public var normalizer: Normalizer
}

/// Flow-matching training of the MM-DiT on the multi-timescale pyramid (spf-method.md §1.2, §1.6, Algorithm 1).
///
/// Every random draw comes from a counter-based stream keyed by (seed, step, example), so a run resumed from an
/// exported state ends with the same weights as an uninterrupted one; every kernel gives the same result for any
/// thread count. Optimisation: global-norm clipping, AdamW, the learning-rate schedule and an EMA of the weights
/// with the (1+n)/(10+n) warm-up, all TensorCore's over the model's flat parameter store.
public final class Trainer: @unchecked Sendable {
    /// The model being trained.
    public let model: MMDiT
    /// Training settings.
    public let config: TrainingConfig
    /// Normalisation fitted on the training runs.
    public let normalizer: Normalizer
    /// Steps completed.
    public private(set) var step: Int = 0
    /// AdamW moments.
    let optimizer: AdamW
    /// EMA of the weights (the model to sample with).
    let ema: ExponentialMovingAverage
    let schedule: LearningRateSchedule
    let runs: [TrainingRun]
    /// The runs' normalised fields, block by block within a budget.
    let data: TrainingDataCache
    let forcings: [ForcingSeries]
    let builder: TrainingExampleBuilder
    let paths: [PyramidPath]

    /// Creates a trainer (fits normalisation on `runs`, initialises the model from `config.seed`).
    /// - Parameters:
    ///   - normalizer: the normalisation (nil: fitted on `runs`, which must then hold their fields in memory).
    ///   - threads: kernel threads (default: the machine's cores; results do not depend on it).
    ///   - dataCacheBytes: most bytes of normalised field blocks kept between steps (nil: no limit); the weights do
    ///     not depend on it.
    public convenience init(model modelConfig: MMDiTConfig, pyramid: PyramidConfig, training: TrainingConfig, runs: [TrainingRun],
                            normalizer: Normalizer? = nil, threads: Int? = nil, dataCacheBytes: Int? = nil) throws {
        try self.init(model: modelConfig, pyramid: pyramid, training: training, runs: runs, normalizer: normalizer, threads: threads,
                      dataCacheBytes: dataCacheBytes, trainingTokensPerPass: 4096)
    }

    /// Like the public initialiser, with the model's ``MMDiT/trainingTokensPerPass`` (tests compare cuts; 0: one
    /// pass per group).
    package init(model modelConfig: MMDiTConfig, pyramid: PyramidConfig, training: TrainingConfig, runs: [TrainingRun],
                 normalizer: Normalizer?, threads: Int?, dataCacheBytes: Int?, trainingTokensPerPass: Int) throws {
        try training.validate()
        guard !runs.isEmpty else { throw SPFModelError(.invalidData, "no training runs") }
        for r in runs where r.forcing.griddedChannels != modelConfig.griddedForcingChannels
            || r.forcing.globalChannels != modelConfig.globalForcingChannels {
            throw SPFModelError(.invalidData, "run \(r.label): forcing channels do not match the model")
        }
        self.model = try MMDiT(config: modelConfig, pyramid: pyramid, seed: training.seed, trainingTokensPerPass: trainingTokensPerPass,
                               threads: threads)
        self.config = training
        if normalizer == nil, let streamed = runs.first(where: { $0.streams }) {
            throw SPFModelError(.invalidData, "run \(streamed.label) streams its fields: give the trainer the normalisation statistics")
        }
        let norm = try normalizer ?? Normalizer.fit(runs: runs, channels: pyramid.channels)
        self.normalizer = norm
        self.runs = runs
        let normalizedForcings = try runs.map { try norm.normalize($0.forcing) }
        forcings = normalizedForcings
        data = TrainingDataCache(runs: runs, forcings: normalizedForcings, normalizer: norm, budgetBytes: dataCacheBytes)
        let b = TrainingExampleBuilder(pyramid: pyramid, decadeOriginYear: training.decadeOriginYear)
        builder = b
        paths = pyramid.paths
        for p in pyramid.paths {
            for s in 0..<pyramid.stageCount where !runs.contains(where: { !b.windowStarts(run: $0, stage: s, path: p).isEmpty }) {
                throw SPFModelError(.invalidData, "no training run is long enough for stage \(s) of path \(p.name(in: pyramid))")
            }
        }
        optimizer = AdamW(layout: model.parameters.layout, configuration: try training.adamW())
        ema = ExponentialMovingAverage(model.parameters, decay: Float(training.emaDecay))
        schedule = try training.schedule()
    }

    /// The random stream of example `b` of `step` (identity only; independent of other examples and steps).
    func exampleStream(step: Int, example b: Int) -> RandomStream {
        RandomStream(seed: config.seed).child(UInt64(step)).child(UInt64(b))
    }

    /// The stage and path of every example of `step` (what ``trainStep()`` will compute; deterministic in
    /// (seed, step)): stages round-robin over the batch, paths drawn uniformly.
    public func examplePlan(step: Int) -> [(stage: Int, path: PyramidPath)] {
        (0..<config.batchSize).map { b in
            var uniforms = exampleStream(step: step, example: b).child(0)
            let u = uniforms.uniforms(count: 4).map { Double($0) }
            return (stage: (step * config.batchSize + b) % model.pyramid.stageCount,
                    path: paths[min(Int(u[0] * Double(paths.count)), paths.count - 1)])
        }
    }

    /// Bytes of normalised field blocks the trainer's data cache holds now (at most its budget).
    package var cachedDataBytes: Int { data.residentBytes }

    /// What example `b` of a step draws: stage, path, run, window start, its flow time u and its noise stream.
    struct ExampleDraw {
        var stage: Int
        var path: PyramidPath
        var run: Int
        var start: Int
        var u: Double
        var normals: RandomStream
    }

    /// The draws of a step's examples (deterministic in (seed, step)).
    func draws(step: Int) -> [ExampleDraw] {
        let plan = examplePlan(step: step)
        return (0..<config.batchSize).map { b in
            let stream = exampleStream(step: step, example: b)
            var uniforms = stream.child(0)
            let u = uniforms.uniforms(count: 4).map { Double($0) }
            let (stage, path) = plan[b]
            let candidates = runs.indices.filter { !builder.windowStarts(run: runs[$0], stage: stage, path: path).isEmpty }
            let ri = candidates[min(Int(u[1] * Double(candidates.count)), candidates.count - 1)]
            let starts = builder.windowStarts(run: runs[ri], stage: stage, path: path)
            let start = starts[min(Int(u[2] * Double(starts.count)), starts.count - 1)]
            return ExampleDraw(stage: stage, path: path, run: ri, start: start, u: u[3], normals: stream.child(1))
        }
    }

    /// The data blocks a step's examples read.
    func dataBlocks(_ draws: [ExampleDraw]) -> [TrainingDataCache.BlockKey] {
        var seen = Set<TrainingDataCache.BlockKey>(), out: [TrainingDataCache.BlockKey] = []
        for d in draws {
            let months = builder.monthsNeeded(run: runs[d.run], stage: d.stage, path: d.path, start: d.start)
            for key in data.blocks(run: d.run, months: months) where seen.insert(key).inserted { out.append(key) }
        }
        return out
    }

    /// Builds the examples of a step (deterministic in (seed, step)), then starts reading the next step's data.
    func examples(step: Int) throws -> [(stage: Int, example: TrainingExample)] {
        var out: [(Int, TrainingExample)] = []
        data.waitForReadAhead()
        for var d in draws(step: step) {
            let w = builder.window(stage: d.stage, path: d.path)
            let (h, wd) = model.pyramid.grid(stage: d.stage)
            let noise = d.normals.normals(count: w.frames * model.pyramid.channels * h * wd)
            let months = builder.monthsNeeded(run: runs[d.run], stage: d.stage, path: d.path, start: d.start)
            let fields = try data.window(run: d.run, months: months)
            let ex = try builder.example(fields: fields, fieldsFirstMonth: months.lowerBound, run: runs[d.run], forcing: forcings[d.run],
                                         path: d.path, stage: d.stage, start: d.start, noise: noise, u: d.u)
            out.append((d.stage, ex))
        }
        if step + 1 < config.steps { data.readAhead(dataBlocks(draws(step: step + 1))) }
        return out
    }

    /// One optimiser step; returns the mean loss per stage of its examples.
    @discardableResult
    public func trainStep() throws -> [Double?] {
        // The previous step's pass buffers go before this step's examples are built (a decade of full-grid frames at 2°),
        // so the two never coexist; the first pass maps its workspace anew (at 2° a few tens of ms against seconds).
        model.releaseIdlePassBuffers()
        var exs = try examples(step: step)
        let store = model.parameters, compute = model.computeContext
        store.zeroGradients()
        // Group examples with the same (stage, timescale, frames) into one batched forward/backward pass.
        var order: [String] = []
        var groups: [String: [Int]] = [:]
        for (i, e) in exs.enumerated() {
            let key = "\(e.stage)-\(e.example.context.timescale.rawValue)-\(e.example.context.shape.frames)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(i)
        }
        var stageLoss = [Double](repeating: 0, count: model.pyramid.stageCount)
        var stageCount = [Int](repeating: 0, count: model.pyramid.stageCount)
        // A group of more tokens than a training pass holds runs as several passes of consecutive items, each weighted
        // by its share of the batch, so the accumulated gradient is the batch mean whatever the cut.
        var passes: [[Int]] = []
        for key in order {
            guard let idx = groups[key], let first = idx.first else { continue }
            let perPass = min(model.trainingItemsPerPass(exs[first].example.context), idx.count)
            for lo in stride(from: 0, to: idx.count, by: perPass) { passes.append(Array(idx[lo..<min(lo + perPass, idx.count)])) }
        }
        for idx in passes {
            guard let first = idx.first else { continue }
            var ctx = exs[first].example.context
            var x: [Float] = [], target: [Float] = [], tau: [Double] = []
            var starts: [Int] = [], sources: [Int] = [], fg: [Float] = [], fs: [Float] = [], hist: [Float] = []
            if idx.count > 1 {
                x.reserveCapacity(idx.count * exs[first].example.x.count)
                target.reserveCapacity(idx.count * exs[first].example.target.count)
            }
            // Each example's arrays move into the pass (one item) or are released once copied: only the pass's copy
            // is resident under its workspace.
            for i in idx {
                if idx.count == 1 {
                    swap(&x, &exs[i].example.x)
                    swap(&target, &exs[i].example.target)
                } else {
                    x += exs[i].example.x
                    target += exs[i].example.target
                    exs[i].example.x = []
                    exs[i].example.target = []
                }
                let e = exs[i].example
                tau.append(e.tau)
                starts += e.context.frameStart
                sources += e.context.source
                fg += e.context.forcingGridded
                fs += e.context.forcingGlobal
                hist += e.context.history
                exs[i].example.context.forcingGridded = []
                exs[i].example.context.history = []
            }
            ctx.history = hist
            ctx.shape.items = idx.count
            ctx.frameStart = starts
            ctx.source = sources
            ctx.forcingGridded = fg
            ctx.forcingGlobal = fs
            // The pass's peak is its workspace in full use: free heap pages of the examples and earlier passes go first.
            FreedHeapPages.release()
            let loss: Double
            do {
                loss = try model.accumulateGradients(x: x, target: target, tau: tau, context: ctx,
                                                     weight: Float(idx.count) / Float(config.batchSize))
            } catch let e as SPFModelError where e.code == .numerical {
                throw SPFModelError(.numerical, "non-finite loss at step \(step), stage \(exs[first].stage)")
            }
            let s = exs[first].stage
            stageLoss[s] += loss * Double(config.batchSize)
            stageCount[s] += idx.count
        }
        if config.gradientClip > 0 { GradientClipping.clip(store, maxNorm: config.gradientClip, context: compute) }
        optimizer.update(store, learningRate: schedule.rate(at: step), context: compute)
        let decay = min(config.emaDecay, (1 + Double(step)) / (10 + Double(step)))
        ema.update(store, decay: Float(decay), context: compute)
        step += 1
        return (0..<stageLoss.count).map { stageCount[$0] > 0 ? stageLoss[$0] / Double(stageCount[$0]) : nil }
    }

    /// Trains until `config.steps` (or `until`), reporting progress after every step.
    public func train(until target: Int? = nil, progress: ((TrainingProgress) -> Void)? = nil) throws {
        let end = min(target ?? config.steps, config.steps)
        let t0 = Date()
        let startStep = step
        while step < end {
            let losses = try trainStep()
            let elapsed = Date().timeIntervalSince(t0)
            let rate = Double(step - startStep) / max(elapsed, 1e-9)
            progress?(TrainingProgress(step: step, totalSteps: config.steps, lossPerStage: losses, stepsPerSecond: rate,
                                       etaSeconds: Double(config.steps - step) / max(rate, 1e-9)))
        }
    }

    /// A model carrying the EMA weights (the one to sample with).
    public func emaModel() throws -> MMDiT {
        let m = try MMDiT(config: model.config, pyramid: model.pyramid, seed: config.seed, threads: model.computeContext.threads)
        ema.copy(into: m.parameters)
        return m
    }

    /// Metadata of the current state.
    public var stateInfo: TrainerStateInfo {
        TrainerStateInfo(step: step, model: model.config, pyramid: model.pyramid, training: config, normalizer: normalizer)
    }

    /// The flat-buffer arrays of the state and their names: parameters, AdamW moments, EMA weights.
    private var stateBuffers: [(prefix: String, values: Tensor)] {
        [("param/", model.parameters.values), ("adam_m/", optimizer.m), ("adam_v/", optimizer.v), ("ema/", ema.shadow)]
    }

    /// Named arrays of the state: "param/…", "adam_m/…", "adam_v/…", "ema/…" + parameter name (parameter shapes).
    public func exportArrays() -> [String: (shape: [Int], values: [Float])] {
        var out: [String: (shape: [Int], values: [Float])] = [:]
        for (prefix, buffer) in stateBuffers {
            for slot in model.parameters.layout.slots {
                out[prefix + slot.name] = (slot.shape, buffer.view(at: slot.offset, shape: slot.shape).toArray())
            }
        }
        return out
    }

    /// Metadata as JSON.
    public func exportMetadataJSON() throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return String(decoding: try enc.encode(stateInfo), as: UTF8.self)
    }

    /// Restores parameters, moments, EMA and step from an exported state (same configs required).
    public func importState(metadataJSON: String, arrays: [String: (shape: [Int], values: [Float])]) throws {
        let info: TrainerStateInfo
        do { info = try JSONDecoder().decode(TrainerStateInfo.self, from: Data(metadataJSON.utf8)) } catch {
            throw SPFModelError(.invalidState, "training state metadata does not decode: \(error)")
        }
        guard info.model == model.config, info.pyramid == model.pyramid, info.training == config, info.normalizer == normalizer else {
            throw SPFModelError(.invalidState, "training state was written with another configuration or normalisation")
        }
        guard info.step >= 0, info.step <= config.steps else { throw SPFModelError(.invalidState, "state step \(info.step) out of range") }
        // Check every array before changing anything.
        let slots = model.parameters.layout.slots
        for (prefix, _) in stateBuffers {
            for slot in slots {
                guard let a = arrays[prefix + slot.name], a.shape == slot.shape, a.values.count == slot.count else {
                    throw SPFModelError(.invalidState, "missing or mis-shaped array \(prefix + slot.name)")
                }
            }
        }
        for (prefix, buffer) in stateBuffers {
            buffer.zero()
            for slot in slots {
                guard let a = arrays[prefix + slot.name] else { continue }
                a.values.withUnsafeBufferPointer { src in
                    if let base = src.baseAddress { (buffer.data + slot.offset).update(from: base, count: slot.count) }
                }
            }
        }
        var moments = StateDictionary()
        moments.floats["optimizer/m"] = StateArray(shape: [optimizer.m.count], values: optimizer.m.toArray())
        moments.floats["optimizer/v"] = StateArray(shape: [optimizer.v.count], values: optimizer.v.toArray())
        moments.integers["optimizer/step"] = [UInt64(info.step)]
        do { try optimizer.load(moments) } catch { throw SPFModelError(.invalidState, "optimizer state: \(error)") }
        step = info.step
    }
}

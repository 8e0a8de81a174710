import Foundation
import SPFEngine
import SPFModel

/// `spf.stage`: runs one SPF pyramid stage for a block of ensemble members and caches the stage's
/// end state — the pipeline form of "run stage k from this state".
///
/// Stage 0 starts from noise for the members `member_start ..< member_start + member_count` over
/// `start_year ..< start_year + years`; later stages take the `previous` state, branch it to this
/// node's `target` timescale and period (temporal funneling keeps only the frames of that period),
/// renoise at the jump and integrate. Members draw from their own RNG streams, so member 731 is the
/// same whether computed alone or in a block of 1,000, and a yearly and a monthly product that share
/// the decadal and yearly stage nodes agree by construction.
/// Output: dataset `latent`, attributes `state` (JSON sampler state) and `seconds` (wall time of this
/// stage plus its share of the earlier stages it branches from).
public struct SampleStage: NodeKind {
    /// Kind name.
    public static let name = "spf.stage"
    /// Implementation version (2: sampler noise from TensorCore's random streams; network on TensorCore's layers;
    /// 3: optional antithetic member pairs; 4: `solver`; 5: matrix products cut into fewer GEMMRowBlocks;
    /// 6: network passes of at most 2,048 tokens instead of 4,096, half the pass memory, values equal to float rounding;
    /// 7: exponentials in fused multiply-adds (softmax, GELU, SiLU), values equal to float rounding;
    /// 8: layer weights packed once per model (TensorCore's packed kernels, AVX-512 where the CPU has it, the same bits
    /// on every CPU), values equal to float rounding; 9: attention's tile products on keys and values packed once per item).
    public static let version = 9
    /// Summary.
    public static let summary = "One SPF pyramid stage for a block of members (caches the stage's end state)."
    /// Params.
    public struct Params: ParamSet {
        @Param("stage", .atLeast(0), doc: "pyramid stage to run (0 = decadal, coarsest)")
        public var stage: Int
        @Param("target", doc: "output timescale of the path: decadal, yearly or monthly")
        public var target: Timescale
        @ParamGroup
        public var run: SampledRun
        @Param("member_start", .atLeast(0), doc: "first member of the block")
        public var memberStart = 0
        @Param("member_count", .atLeast(1), doc: "members in the block")
        public var memberCount = 10
        @Param("antithetic",
               doc: "stage 0 only (later stages inherit it): member 2k + 1 draws member 2k's noise negated at every stage, so the ensemble mean converges much faster; use even member_start and member_count")
        public var antithetic = false
        @Param(SampleStage.solverSteps(doc: "solver steps per pyramid stage for this sampling (one count per stage); empty: the model's own"))
        public var solverSteps: [Int]
        @Param(SampleStage.solver)
        public var solver: ODESolver

        /// Antithetic pairs need whole pairs in the block.
        public func validate() throws(ParamProblem) {
            guard antithetic else { return }
            if memberStart % 2 != 0 { throw $memberStart.problem("antithetic pairs need an even member_start, got \(memberStart)") }
            if memberCount % 2 != 0 { throw $memberCount.problem("antithetic pairs need an even member_count, got \(memberCount)") }
        }

        /// The declarations.
        public init() {}
    }

    /// Output schema.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.samplerState)
    /// Inputs.
    public static let inputs = [
        InputSpec("model", [PipelineObjects.trainedModel], doc: "spf.train output (variant spf)"),
        InputSpec("forcing", [PipelineObjects.alignedForcing], doc: "climate.align-forcings output of the scenario"),
        InputSpec("previous", optional: true, [PipelineObjects.samplerState], doc: "spf.stage output of the previous stage (absent for stage 0)"),
    ]
    /// One thread: a block's stage is small, and on 2 cores two stage nodes side by side finish about 1.45x
    /// sooner than one after the other on two threads each (the sampling pyramid has thousands of such nodes).
    public static let threads = 1
    /// Makes the kind.
    public init() {}

    /// The `solver` param (also `spf.sample-baseline`'s).
    public static let solver = Param<ODESolver>(
        wrappedValue: .euler, "solver",
        doc: "ODE solver of every stage: euler (one network pass per step) or midpoint (two per step, second order: 2 midpoint steps keep the spread that 5 Euler steps lose)")

    /// The `solver_steps` param (formerly `euler_steps`, a name that was wrong for the midpoint solver), with a kind's
    /// own default and doc (also `spf.sample-baseline`'s and `spf.train`'s). A renamed param keeps its old name in the
    /// cache key while the old name is accepted (KeyPlanner).
    public static func solverSteps(default value: [Int] = [], doc: String) -> Param<[Int]> {
        Param(wrappedValue: value, "solver_steps", .range(min: 1, max: 10_000), deprecatedName: "euler_steps", doc: doc)
    }

    /// The model's pyramid with this sampling's step counts (`solver_steps`; empty: the model's own).
    public static func pyramid(_ base: PyramidConfig, steps: [Int], node: String) throws -> PyramidConfig {
        guard !steps.isEmpty else { return base }
        var pyramid = base
        pyramid.stepsPerStage = steps
        do { try pyramid.validate() } catch {
            throw EngineError(.nodeFailed, "param 'solver_steps' \(steps): \(error)", node: node)
        }
        return pyramid
    }

    /// Runs the stage.
    public func run(_ context: NodeContext) throws {
        let p = try context.params(Params.self)
        let started = Date()
        // The network and its pass buffers go before the state is written: the node holds one or the other.
        let (state, inherited) = try sample(p, context)
        try SamplerStateObject.write(state, seconds: inherited + Date().timeIntervalSince(started), to: try context.output())
    }

    /// The stage's end state and the earlier stages' share of wall time behind it.
    private func sample(_ p: Params, _ context: NodeContext) throws -> (SamplerState, Double) {
        let model = try TrainedModelObject.load(try context.input("model"), node: context.nodeID, threads: context.threads)
        let forcing = try AlignedForcingObject.forcingSeries(try context.input("forcing"), model: model, node: context.nodeID)
        let sourceID = p.run.sourceID
        let source = try model.sourceIndex(of: sourceID, node: context.nodeID)
        let target = p.target
        let stage = p.stage, startYear = p.run.startYear, years = p.run.years
        let pyramid = try Self.pyramid(model.info.pyramid, steps: p.solverSteps, node: context.nodeID)
        let sampler = try PyramidSampler(config: pyramid, solver: p.solver)
        var state: SamplerState
        // Wall time behind this state: its own plus the share of the previous stages' time that the
        // frames it branches off account for (a decade's yearly branch carries 1/9 of a 9-decade stage 0).
        var inherited = 0.0
        if let previous = try context.optionalInput("previous") {
            let (prev, prevSeconds) = try SamplerStateObject.read(previous, node: context.nodeID)
            inherited = prevSeconds * min(1, Double(years) / Double(max(prev.info.request.years, 1)))
            state = try sampler.branch(prev, target: target, startYear: startYear, years: years)
        } else {
            guard stage == 0 else { throw EngineError(.nodeFailed, "stage \(stage) needs a `previous` input", node: context.nodeID) }
            let first = p.memberStart, count = p.memberCount
            let antithetic = p.antithetic
            guard first >= 0, count >= 1 else {
                throw EngineError(.nodeFailed, "params member_start \(first), member_count \(count): need member_start ≥ 0 and member_count ≥ 1", node: context.nodeID)
            }
            // A block that splits a pair would leave a member whose partner is sampled by another node: allowed
            // (the pairs are by absolute member index), but an odd block is almost always a typo.
            if antithetic, first % 2 != 0 || count % 2 != 0 {
                throw EngineError(.nodeFailed, "param 'antithetic': member_start \(first) and member_count \(count) must be even so every block holds whole pairs (2k, 2k + 1)", node: context.nodeID)
            }
            let request = SamplingRequest(scenario: p.run.scenario, startYear: startYear, years: years, target: target,
                                          members: Array(first..<(first + count)), source: source, seed: context.seed,
                                          decadeOriginYear: model.info.training.decadeOriginYear, antithetic: antithetic)
            state = try sampler.initialState(request)
        }
        context.progress(0.05, "stage \(stage) \(target) \(startYear)+\(years)y")
        state = try sampler.runStage(stage, from: state, forcing: forcing, velocity: model.network)
        return (state, inherited)
    }
}

import Foundation
import SPFEngine
import SPFModel

/// `spf.sample-baseline`: samples a baseline generative model (flat flow or autoregressive pyramidal
/// flow) for one ESM, scenario and period, directly into an ensemble product.
public struct SampleBaseline: NodeKind {
    /// Kind name.
    public static let name = "spf.sample-baseline"
    /// Implementation version (2: sampler noise from TensorCore's random streams; network on TensorCore's layers;
    /// 3: de-normalises with the ESM's per-cell seasonal climatology when the model has one;
    /// 4: and with its forced pattern when the climatology regresses on the forcing; 5: `solver`; 6: floors `non_negative`
    /// variables at zero, as `spf.merge` does; 7: matrix products cut into fewer GEMMRowBlocks;
    /// 8: network passes of at most 2,048 tokens, as `spf.stage` 6; 9: exponentials in fused multiply-adds, as `spf.stage` 7;
    /// 10: layer weights packed once per model, as `spf.stage` 8; 11: attention on packed keys and values, as `spf.stage` 9).
    public static let version = 11
    /// Summary.
    public static let summary = "Sample the flat or autoregressive baseline into an ensemble product."
    /// Params.
    public struct Params: ParamSet {
        @ParamGroup
        public var run: SampledRun
        @Param("members", .atLeast(1), doc: "ensemble members")
        public var members = 20
        @Param(SampleStage.solver)
        public var solver: ODESolver
        @Param(SampleStage.solverSteps(doc: "solver steps per stage for this sampling (one count per stage: 1 for the flat flow); empty: the model's own"))
        public var solverSteps: [Int]
        @Param(EnsembleProduct.nonNegative)
        public var nonNegative: [String]

        /// The declarations.
        public init() {}
    }
    /// Output schema.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.ensembleProduct)
    /// Inputs.
    public static let inputs = [
        InputSpec("model", [PipelineObjects.trainedModel], doc: "spf.train output of variant flat or ar"),
        InputSpec("forcing", [PipelineObjects.alignedForcing], doc: "climate.align-forcings output of the scenario"),
    ]
    /// One thread, like `spf.stage`: the ten ESMs' baseline nodes run side by side.
    public static let threads = 1
    /// Makes the kind.
    public init() {}

    /// Samples.
    public func run(_ context: NodeContext) throws {
        let p = try context.params(Params.self)
        let started = Date()
        let model = try TrainedModelObject.load(try context.input("model"), node: context.nodeID, threads: context.threads)
        let forcing = try AlignedForcingObject.forcingSeries(try context.input("forcing"), model: model, node: context.nodeID)
        let sourceID = p.run.sourceID
        let source = try model.sourceIndex(of: sourceID, node: context.nodeID)
        let pyramid = try SampleStage.pyramid(model.info.pyramid, steps: p.solverSteps, node: context.nodeID)
        let timescale = pyramid.timescales[pyramid.timescales.count - 1]
        let startYear = p.run.startYear, years = p.run.years, members = p.members
        let request = SamplingRequest(scenario: p.run.scenario, startYear: startYear, years: years, target: timescale,
                                      members: Array(0..<members), source: source, seed: context.seed,
                                      decadeOriginYear: model.info.training.decadeOriginYear)
        let solver = p.solver
        let out: (values: [Float], shape: FieldShape, frameStarts: [Int])
        if pyramid.autoregressive {
            out = try AutoregressiveSampler(config: pyramid, solver: solver).sample(request, forcing: forcing, velocity: model.network)
        } else {
            let sampler = try PyramidSampler(config: pyramid, solver: solver)
            out = try sampler.output(try sampler.sample(request, forcing: forcing, velocity: model.network))
        }
        let plane = pyramid.height * pyramid.width, c = pyramid.channels
        var product = EnsembleProduct(sourceID: sourceID, scenario: p.run.scenario, timescale: timescale, startYear: startYear,
                                      years: years, members: members, model: model.variant, variables: pyramid.variables,
                                      lat: model.lat, lon: model.lon, values: [], samplingSeconds: 0)
        let t = product.frames
        var values = [Float](repeating: .nan, count: members * t * c * plane)
        var denormalizer = try FrameDenormalizer(normalizer: model.info.normalizer, source: source, monthsPerFrame: timescale.months,
                                                 plane: plane, forcing: forcing)
        for m in 0..<members {
            for (f, start) in out.frameStarts.enumerated() {
                guard let ti = product.frameIndex(startingAt: start) else { continue }
                let src = (m * out.shape.frames + f) * c * plane, dst = (m * t + ti) * c * plane
                let physical = try denormalizer.physical(out.values[src..<(src + c * plane)], start: start)
                values.replaceSubrange(dst..<(dst + c * plane), with: physical)
            }
        }
        guard !values.contains(where: { $0.isNaN }) else {
            throw EngineError(.nodeFailed, "the baseline did not cover every frame of \(startYear)+\(years)y", node: context.nodeID)
        }
        EnsembleProduct.floorNonNegative(&values, variables: pyramid.variables, nonNegative: Set(p.nonNegative), plane: plane)
        product.values = values
        product.samplingSeconds = Date().timeIntervalSince(started)
        try product.write(to: try context.output())
    }
}

import Foundation
import SPFEngine
import SPFModel

/// `spf.merge`: gathers the final-stage states of every member block (and every decade or year
/// branch) of one product into one ensemble `[member, time, lat, lon]` per variable, de-normalised.
public struct MergeEnsemble: NodeKind {
    /// Kind name.
    public static let name = "spf.merge"
    /// Implementation version (2: de-normalises with the ESM's per-cell seasonal climatology when the model has one;
    /// 3: and with its forced pattern, given the scenario's forcing, when the climatology regresses on the forcing;
    /// 4: records antithetic member pairs; 5: floors `non_negative` variables at zero, records `member_ids` of independent
    /// members, and takes a monthly product's annual means from the yearly product given as `annual`).
    public static let version = 5
    /// Summary.
    public static let summary = "Gather SPF final-stage states of all member blocks into one ensemble product."
    /// Params.
    public struct Params: ParamSet {
        @Param("timescale", doc: "decadal, yearly or monthly")
        public var timescale: Timescale
        @Param("start_year", doc: "first year of the product")
        public var startYear: Int
        @Param("years", doc: "years in the product")
        public var years: Int
        @Param(EnsembleProduct.nonNegative)
        public var nonNegative: [String]

        /// The declarations.
        public init() {}
    }
    /// Output schema.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.ensembleProduct)
    /// Inputs.
    public static let inputs = [
        InputSpec("model", [PipelineObjects.trainedModel], doc: "spf.train output the states were sampled with"),
        InputSpec("states", list: true, [PipelineObjects.samplerState], doc: "spf.stage outputs of the last stage"),
        InputSpec("forcing", optional: true, [PipelineObjects.alignedForcing],
                  doc: "climate.align-forcings output of the scenario (needed when the model's climatology follows the forcing)"),
        InputSpec("annual", optional: true, [PipelineObjects.ensembleProduct],
                  doc: "for a monthly product: the spf.merge yearly product of the same ESM, scenario and members; every year's months "
                      + "are shifted to average to it, so the two timescales agree"),
    ]
    /// Makes the kind.
    public init() {}

    /// Merges, one member block at a time: each block's states are decoded, de-normalised and appended
    /// to the variables' streaming datasets, so memory holds one block, whatever the ensemble size.
    public func run(_ context: NodeContext) throws {
        let p = try context.params(Params.self), node = context.nodeID
        let model = try TrainedModelObject.load(try context.input("model"), node: node)
        let timescale = p.timescale
        let startYear = p.startYear, years = p.years
        let pyramid = model.info.pyramid, sampler = try PyramidSampler(config: pyramid)
        let h = pyramid.height, w = pyramid.width, c = pyramid.channels, plane = h * w
        let forcing = try Self.forcing(context, model: model)
        let nonNegative = Set(p.nonNegative)
        // Pass 1: metadata only (no latents) — which members each state holds, and the sampling time.
        let objects = try context.inputList("states")
        var blocks: [[Int]: [Int]] = [:]   // sorted members -> input indices
        var seconds = 0.0
        var antithetic: Set<Bool> = [], scenarios: Set<String> = [], sources: Set<Int> = []
        for (i, object) in objects.enumerated() {
            let info = try SamplerStateObject.info(object, node: node)
            seconds += SamplerStateObject.seconds(object)
            scenarios.insert(info.request.scenario)
            sources.insert(info.request.source)
            antithetic.insert(info.request.antithetic)
            blocks[info.request.members.sorted(), default: []].append(i)
        }
        guard antithetic.count <= 1 else {
            throw EngineError(.nodeFailed, "input 'states' mixes antithetic and independent member blocks: sample every block of a product the same way", node: node)
        }
        guard scenarios.count <= 1, sources.count <= 1 else {
            let names = sources.sorted().map { model.sources.indices.contains($0) ? model.sources[$0] : "#\($0)" }
            throw EngineError(.nodeFailed, "input 'states' mixes ESMs (\(names.joined(separator: ", "))) or scenarios (\(scenarios.sorted().joined(separator: ", "))): "
                              + "one product holds one ESM's ensemble for one scenario", node: node)
        }
        let scenario = scenarios.first ?? "", sourceIndex = sources.first ?? -1
        let order = blocks.keys.sorted { ($0.first ?? 0) < ($1.first ?? 0) }
        let allMembers = order.flatMap { $0 }
        guard Set(allMembers).count == allMembers.count, allMembers == allMembers.sorted() else {
            throw EngineError(.nodeFailed, "member blocks overlap or interleave (\(order.map { "\($0.first ?? 0)…\($0.last ?? 0)" }.joined(separator: ", ")))", node: node)
        }
        let product = EnsembleProduct(sourceID: model.sources.indices.contains(sourceIndex) ? model.sources[sourceIndex] : "?",
                                      scenario: scenario, timescale: timescale, startYear: startYear, years: years,
                                      members: allMembers.count, model: "spf", variables: pyramid.variables,
                                      lat: model.lat, lon: model.lon, values: [], samplingSeconds: seconds,
                                      memberIDs: allMembers, antithetic: antithetic.contains(true))
        let t = product.frames
        let annual = try context.optionalInput("annual").map {
            try AnnualProduct($0, matching: product, node: node)
        }
        guard !allMembers.isEmpty, t > 0 else { throw EngineError(.nodeFailed, "no members or no frames to merge", node: node) }
        var denormalizer = try FrameDenormalizer(normalizer: model.info.normalizer, source: sourceIndex, monthsPerFrame: timescale.months,
                                                 plane: plane, forcing: forcing)
        let out = try context.output()
        let writers = try pyramid.variables.map {
            try out.beginDataset($0, of: Float.self, shape: [allMembers.count, t, h, w], chunkRows: 1)
        }
        // Pass 2: one block at a time.
        for (b, members) in order.enumerated() {
            let memberIndex = Dictionary(uniqueKeysWithValues: members.enumerated().map { ($1, $0) })
            var values = [Float](repeating: .nan, count: members.count * t * c * plane)
            for i in blocks[members] ?? [] {
                let (state, _) = try SamplerStateObject.read(objects[i], node: node)
                let part = try sampler.output(state)
                let frames = part.frameStarts.count
                for (k, member) in state.info.request.members.enumerated() {
                    guard let mi = memberIndex[member] else { continue }
                    for (f, start) in part.frameStarts.enumerated() {
                        guard let ti = product.frameIndex(startingAt: start) else { continue }
                        let src = (k * frames + f) * c * plane, dst = (mi * t + ti) * c * plane
                        let physical = try denormalizer.physical(part.values[src..<(src + c * plane)], start: start)
                        values.replaceSubrange(dst..<(dst + c * plane), with: physical)
                    }
                }
            }
            if let missing = values.firstIndex(where: { $0.isNaN }) {
                throw EngineError(.nodeFailed, "product frame \((missing / (c * plane)) % t) of member \(members[missing / (c * plane * t)]) is not covered by any input state", node: node)
            }
            if let annual {
                try annual.constrain(&values, members: members, variables: pyramid.variables, nonNegative: nonNegative, plane: plane)
            } else {
                EnsembleProduct.floorNonNegative(&values, variables: pyramid.variables, nonNegative: nonNegative, plane: plane)
            }
            // [member, time, C, plane] -> per variable [member, time, plane], appended member by member.
            for (k, writer) in writers.enumerated() {
                for m in 0..<members.count {
                    try writer.append(EnsembleProduct.variableSeries(values, member: m, variable: k, frames: t, channels: c, plane: plane))
                }
            }
            context.progress(Double(b + 1) / Double(order.count), "merged block \(b + 1)/\(order.count)")
        }
        for writer in writers { try writer.finish() }
        try product.writeGrid(to: out)
        try product.writeMetadata(to: out)
    }

    /// The scenario's normalised forcing from the optional `forcing` input; an error when the model needs it and the
    /// manifest does not give it.
    static func forcing(_ context: NodeContext, model: TrainedModelObject.SamplingModel) throws -> ForcingSeries? {
        guard let object = try context.optionalInput("forcing") else {
            guard !model.info.normalizer.needsForcing else {
                throw EngineError(.nodeFailed, "the model's climatology follows the global forcings (spf.norm-stats climatology: pattern-scaling): "
                                  + "give this spf.merge node the scenario's forcing as input 'forcing'", node: context.nodeID)
            }
            return nil
        }
        return try AlignedForcingObject.forcingSeries(object, model: model, node: context.nodeID)
    }
}

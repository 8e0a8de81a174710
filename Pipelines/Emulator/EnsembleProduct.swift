import Foundation
import SPFEngine
import SPFModel

/// An emulated ensemble as the merge and baseline-sampling kinds store it: one float32 dataset per
/// variable `[member, time, lat, lon]` (physical units), `lat`, `lon`; attributes `source_id`,
/// `scenario`, `timescale`, `start_year`, `years`, `members`, `model` (spf, flat, ar), `variables`,
/// `sampling_seconds` (wall time of all the sampling behind it) and `seconds_per_trajectory`
/// (per member and 10 simulated years); for an ensemble of antithetic pairs also `antithetic` ("true") and
/// `member_ids` (JSON, the absolute member index of each row: members 2k and 2k + 1 are partners).
struct EnsembleProduct {
    var sourceID: String
    var scenario: String
    var timescale: Timescale
    var startYear: Int
    var years: Int
    var members: Int
    var model: String
    var variables: [String]
    var lat: [Double]
    var lon: [Double]
    /// [member, time, C, lat, lon], physical units.
    var values: [Float]
    var samplingSeconds: Double
    /// Absolute member indices of the rows, recorded as `member_ids` when known (so a monthly product can be matched
    /// row by row with the yearly product of the same members); nil: the rows are members 0..<members.
    var memberIDs: [Int]? = nil
    /// The members are antithetic pairs (2k and 2k + 1 are partners); such a product always records `memberIDs`.
    var antithetic = false

    var frames: Int { timescale == .monthly ? years * 12 : (timescale == .yearly ? years : (years + 9) / 10) }

    func write(to out: ObjectWriter) throws {
        let h = lat.count, w = lon.count, c = variables.count, t = frames
        for (k, v) in variables.enumerated() {
            var field = [Float](repeating: 0, count: members * t * h * w)
            for m in 0..<members {
                for f in 0..<t {
                    let src = ((m * t + f) * c + k) * h * w, dst = (m * t + f) * h * w
                    for i in 0..<(h * w) { field[dst + i] = values[src + i] }
                }
            }
            try out.write(v, shape: [members, t, h, w], values: field)
        }
        try out.write("lat", shape: [h], values: lat)
        try out.write("lon", shape: [w], values: lon)
        try writeMetadata(to: out)
    }

    /// Writes `lat`, `lon` and the attributes (everything but the variables' datasets).
    func writeMetadata(to out: ObjectWriter) throws {
        var attributes = [
            "source_id": sourceID, "scenario": scenario, "timescale": timescale.name, "start_year": String(startYear),
            "years": String(years), "members": String(members), "model": model,
            "variables": try EmulatorObjects.json(variables), "sampling_seconds": String(samplingSeconds),
            "seconds_per_trajectory": String(samplingSeconds / Double(max(members, 1)) / (Double(years) / 10)),
        ]
        if antithetic { attributes["antithetic"] = "true" }
        if let ids = memberIDs { attributes["member_ids"] = try EmulatorObjects.json(ids) }
        try out.setAttributes(attributes)
    }

    /// The absolute member index of each row of a stored product: its `member_ids`, or 0..<members for a product
    /// that does not record them (the baselines' members are 0..<members).
    static func memberIDs(_ object: StoredObject, members: Int, node: String) throws -> [Int] {
        guard object.attribute("member_ids") != nil else { return Array(0..<members) }
        return try decodedMemberIDs(object, members: members, node: node)
    }

    /// Floors the variables named in `nonNegative` at zero in `values` laid out `[…, C, plane]` (physical units):
    /// a precipitation flux is never negative, while a flow sampled in normalised units can undershoot zero.
    static func floorNonNegative(_ values: inout [Float], variables: [String], nonNegative: Set<String>, plane: Int) {
        let c = variables.count
        let floored = variables.indices.filter { nonNegative.contains(variables[$0]) }
        guard !floored.isEmpty, c > 0, plane > 0 else { return }
        for frame in 0..<(values.count / (c * plane)) {
            for k in floored {
                let base = (frame * c + k) * plane
                for i in base..<(base + plane) where values[i] < 0 { values[i] = 0 }
            }
        }
    }

    /// The `non_negative` param of the kinds that write products.
    static let nonNegativeParam = ParamSpec("non_negative", .stringList, default: .list([.string("pr")]),
                                            doc: "variables floored at zero (fluxes such as pr); with `annual`, the months of every year are floored and still average to the yearly value")

    /// The absolute member indices of a stored product's rows when its members are antithetic pairs; nil for
    /// independent members (every product written before antithetic sampling existed).
    static func antitheticMemberIDs(_ object: StoredObject, members: Int, node: String) throws -> [Int]? {
        guard object.attribute("antithetic") == "true" else { return nil }
        return try decodedMemberIDs(object, members: members, node: node)
    }

    /// The product's `member_ids` (an error when it is missing or does not name one id per row).
    private static func decodedMemberIDs(_ object: StoredObject, members: Int, node: String) throws -> [Int] {
        let ids = try EmulatorObjects.decode([Int].self, object.attribute("member_ids"), what: "member_ids", node: node)
        guard ids.count == members else {
            throw EngineError(.nodeFailed, "product \(object.key): member_ids names \(ids.count) members, the data has \(members)", node: node)
        }
        return ids
    }
}

extension Timescale {
    /// The manifest spelling.
    var name: String {
        switch self {
        case .decadal: "decadal"
        case .yearly: "yearly"
        case .monthly: "monthly"
        }
    }
}

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
    public static let params = [
        ParamSpec("timescale", .string, doc: "decadal, yearly or monthly"),
        ParamSpec("start_year", .int, doc: "first year of the product"),
        ParamSpec("years", .int, doc: "years in the product"),
        EnsembleProduct.nonNegativeParam,
    ]
    /// Inputs.
    public static let inputs = [
        InputSpec("model", doc: "spf.train output the states were sampled with"),
        InputSpec("states", list: true, doc: "spf.stage outputs of the last stage"),
        InputSpec("forcing", optional: true,
                  doc: "climate.align-forcings output of the scenario (needed when the model's climatology follows the forcing)"),
        InputSpec("annual", optional: true,
                  doc: "for a monthly product: the spf.merge yearly product of the same ESM, scenario and members; every year's months "
                      + "are shifted to average to it, so the two timescales agree"),
    ]
    /// Makes the kind.
    public init() {}

    /// Merges, one member block at a time: each block's states are decoded, de-normalised and appended
    /// to the variables' streaming datasets, so memory holds one block, whatever the ensemble size.
    public func run(_ context: NodeContext) throws {
        let p = context.params, node = context.nodeID
        let model = try EmulatorObjects.loadModel(try context.input("model"), node: node)
        let timescale = try SampleStage.timescale(try p.string("timescale"), node: node)
        let startYear = try p.int("start_year"), years = try p.int("years")
        let pyramid = model.info.pyramid, sampler = try PyramidSampler(config: pyramid)
        let h = pyramid.height, w = pyramid.width, c = pyramid.channels, plane = h * w
        let monthsPerFrame = timescale.months
        let periodStart = startYear * 12
        let forcing = try Self.forcing(context, model: model)
        let nonNegative = Set(try p.strings("non_negative"))
        // The expected field of each frame and the scale of each ESM, the same for every member: computed once.
        var offsets: [Int: [Float]] = [:]
        var scales: [Int: [Float]] = [:]
        // Pass 1: metadata only (no latents) — which members each state holds, and the sampling time.
        let objects = try context.inputList("states")
        var blocks: [[Int]: [Int]] = [:]   // sorted members -> input indices
        var seconds = 0.0, scenario = "", sourceIndex = -1
        var antithetic: Set<Bool> = []
        for (i, object) in objects.enumerated() {
            let info = try EmulatorObjects.decode(SamplerStateInfo.self, object.attribute("state"), what: "state", node: node)
            seconds += Double(object.attribute("seconds") ?? "") ?? 0
            scenario = info.request.scenario
            sourceIndex = info.request.source
            antithetic.insert(info.request.antithetic)
            blocks[info.request.members.sorted(), default: []].append(i)
        }
        guard antithetic.count <= 1 else {
            throw EngineError(.nodeFailed, "input 'states' mixes antithetic and independent member blocks: sample every block of a product the same way", node: node)
        }
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
        let out = try context.output()
        let writers = try pyramid.variables.map {
            try out.beginDataset($0, of: Float.self, shape: [allMembers.count, t, h, w], chunkRows: 1)
        }
        // Pass 2: one block at a time.
        for (b, members) in order.enumerated() {
            let memberIndex = Dictionary(uniqueKeysWithValues: members.enumerated().map { ($1, $0) })
            var values = [Float](repeating: .nan, count: members.count * t * c * plane)
            for i in blocks[members] ?? [] {
                let (state, _) = try EmulatorObjects.readState(objects[i], node: node)
                let part = try sampler.output(state)
                let frames = part.frameStarts.count
                for (k, member) in state.info.request.members.enumerated() {
                    guard let mi = memberIndex[member] else { continue }
                    for (f, start) in part.frameStarts.enumerated() {
                        let ti = (start - periodStart) / monthsPerFrame
                        guard ti >= 0, ti < t else { continue }
                        let src = (k * frames + f) * c * plane, dst = (mi * t + ti) * c * plane
                        let source = state.info.request.source
                        let offset = try offsets[start] ?? model.info.normalizer.frameOffset(source: source, start: start, months: monthsPerFrame,
                                                                                             plane: plane, forcing: forcing)
                        offsets[start] = offset
                        let scale = try scales[source] ?? model.info.normalizer.scale(source: source, plane: plane)
                        scales[source] = scale
                        let physical = try model.info.normalizer.denormalizeFrame(part.values[src..<(src + c * plane)], offset: offset,
                                                                                  scale: scale)
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
            var row = [Float](repeating: 0, count: t * plane)
            for (k, writer) in writers.enumerated() {
                for m in 0..<members.count {
                    for f in 0..<t {
                        let src = ((m * t + f) * c + k) * plane
                        row.replaceSubrange((f * plane)..<((f + 1) * plane), with: values[src..<(src + plane)])
                    }
                    try writer.append(row)
                }
            }
            context.progress(Double(b + 1) / Double(order.count), "merged block \(b + 1)/\(order.count)")
        }
        for writer in writers { try writer.finish() }
        try out.write("lat", shape: [h], values: model.lat)
        try out.write("lon", shape: [w], values: model.lon)
        try product.writeMetadata(to: out)
    }

    /// The scenario's normalised forcing from the optional `forcing` input; an error when the model needs it and the
    /// manifest does not give it.
    static func forcing(_ context: NodeContext, model: EmulatorObjects.SamplingModel) throws -> ForcingSeries? {
        guard let object = try context.optionalInput("forcing") else {
            guard !model.info.normalizer.needsForcing else {
                throw EngineError(.nodeFailed, "the model's climatology follows the global forcings (spf.norm-stats climatology: pattern-scaling): "
                                  + "give this spf.merge node the scenario's forcing as input 'forcing'", node: context.nodeID)
            }
            return nil
        }
        return try EmulatorObjects.forcingSeries(object, model: model, node: context.nodeID)
    }
}

/// The yearly product a monthly product's annual means are taken from (`spf.merge` input `annual`).
struct AnnualProduct {
    let object: StoredObject
    /// Member index of each row.
    let memberIDs: [Int]
    /// Row of the yearly product holding the first year of the monthly product.
    let firstRow: Int
    let years: Int
    let node: String

    /// Checks that `object` is a yearly product of the same ESM and scenario covering `product`'s years.
    init(_ object: StoredObject, matching product: EnsembleProduct, node: String) throws {
        func fail(_ why: String) -> EngineError {
            EngineError(.nodeFailed, "input 'annual' (\(object.key)): \(why)", node: node)
        }
        guard product.timescale == .monthly else { throw fail("only a monthly product takes its annual means from a yearly product") }
        guard object.attribute("timescale") == "yearly", let start = object.attribute("start_year").flatMap(Int.init),
              let years = object.attribute("years").flatMap(Int.init), let members = object.attribute("members").flatMap(Int.init) else {
            throw fail("is not a yearly ensemble product")
        }
        guard object.attribute("source_id") == product.sourceID, object.attribute("scenario") == product.scenario else {
            throw fail("is \(object.attribute("source_id") ?? "?") \(object.attribute("scenario") ?? "?"), this product \(product.sourceID) \(product.scenario)")
        }
        guard start <= product.startYear, start + years >= product.startYear + product.years else {
            throw fail("covers \(start)–\(start + years - 1), not \(product.startYear)–\(product.startYear + product.years - 1)")
        }
        self.object = object
        self.memberIDs = try EnsembleProduct.memberIDs(object, members: members, node: node)
        self.firstRow = product.startYear - start
        self.years = product.years
        self.node = node
    }

    /// Sets the annual means of one block's monthly values (`[member, years·12, C, plane]`, physical units) to the
    /// yearly product's rows of the same members.
    func constrain(_ values: inout [Float], members: [Int], variables: [String], nonNegative: Set<String>, plane: Int) throws {
        guard let first = members.first, let row = memberIDs.firstIndex(of: first),
              row + members.count <= memberIDs.count, Array(memberIDs[row..<(row + members.count)]) == members else {
            throw EngineError(.nodeFailed, "input 'annual' (\(object.key)) does not hold members \(members.first ?? 0)…\(members.last ?? 0) "
                              + "in order: give the yearly product of the same ensemble", node: node)
        }
        let c = variables.count, t = years * 12
        for (k, variable) in variables.enumerated() {
            let (shape, yearly) = try object.readFloats(variable, rows: row..<(row + members.count))
            guard shape.count == 4, shape[2] * shape[3] == plane else {
                throw EngineError(.nodeFailed, "input 'annual' (\(object.key)): \(variable) has shape \(shape), expected [member, year, lat, lon] of \(plane) cells", node: node)
            }
            let yearsA = shape[1]
            var monthly = [Float](repeating: 0, count: t * plane)
            for m in 0..<members.count {
                for f in 0..<t {
                    let src = ((m * t + f) * c + k) * plane
                    monthly.replaceSubrange((f * plane)..<((f + 1) * plane), with: values[src..<(src + plane)])
                }
                let base = (m * yearsA + firstRow) * plane
                try AnnualMeanConstraint.constrain(monthly: &monthly, annual: Array(yearly[base..<(base + years * plane)]), plane: plane,
                                                   nonNegative: nonNegative.contains(variable))
                for f in 0..<t {
                    let dst = ((m * t + f) * c + k) * plane
                    values.replaceSubrange(dst..<(dst + plane), with: monthly[(f * plane)..<((f + 1) * plane)])
                }
            }
        }
    }
}

/// `spf.sample-baseline`: samples a baseline generative model (flat flow or autoregressive pyramidal
/// flow) for one ESM, scenario and period, directly into an ensemble product.
public struct SampleBaseline: NodeKind {
    /// Kind name.
    public static let name = "spf.sample-baseline"
    /// Implementation version (2: sampler noise from TensorCore's random streams; network on TensorCore's layers;
    /// 3: de-normalises with the ESM's per-cell seasonal climatology when the model has one;
    /// 4: and with its forced pattern when the climatology regresses on the forcing; 5: `solver`; 6: floors `non_negative`
    /// variables at zero, as `spf.merge` does).
    public static let version = 6
    /// Summary.
    public static let summary = "Sample the flat or autoregressive baseline into an ensemble product."
    /// Params.
    public static let params = [
        ParamSpec("source_id", .string, doc: "ESM to emulate"),
        ParamSpec("scenario", .string, doc: "scenario label"),
        ParamSpec("start_year", .int, doc: "first year"),
        ParamSpec("years", .int, doc: "years"),
        ParamSpec("members", .int, default: 20, doc: "ensemble members"),
        SampleStage.solverParam,
        ParamSpec("euler_steps", .intList, default: .list([]),
                  doc: "solver steps per stage for this sampling (one count per stage: 1 for the flat flow); empty: the model's own"),
        EnsembleProduct.nonNegativeParam,
    ]
    /// Inputs.
    public static let inputs = [
        InputSpec("model", doc: "spf.train output of variant flat or ar"),
        InputSpec("forcing", doc: "climate.align-forcings output of the scenario"),
    ]
    /// One thread, like `spf.stage`: the ten ESMs' baseline nodes run side by side.
    public static let threads = 1
    /// Makes the kind.
    public init() {}

    /// Samples.
    public func run(_ context: NodeContext) throws {
        let p = context.params
        let started = Date()
        let model = try EmulatorObjects.loadModel(try context.input("model"), node: context.nodeID, threads: context.threads)
        let forcing = try EmulatorObjects.forcingSeries(try context.input("forcing"), model: model, node: context.nodeID)
        let sourceID = try p.string("source_id")
        let source = try model.sourceIndex(of: sourceID, node: context.nodeID)
        let pyramid = try SampleStage.pyramid(model.info.pyramid, steps: try p.ints("euler_steps"), node: context.nodeID)
        let timescale = pyramid.timescales[pyramid.timescales.count - 1]
        let startYear = try p.int("start_year"), years = try p.int("years"), members = try p.int("members")
        let request = SamplingRequest(scenario: try p.string("scenario"), startYear: startYear, years: years, target: timescale,
                                      members: Array(0..<members), source: source, seed: context.seed,
                                      decadeOriginYear: model.info.training.decadeOriginYear)
        let solver = try SampleStage.solver(named: try p.string("solver"), node: context.nodeID)
        let out: (values: [Float], shape: FieldShape, frameStarts: [Int])
        if pyramid.autoregressive {
            out = try AutoregressiveSampler(config: pyramid, solver: solver).sample(request, forcing: forcing, velocity: model.network)
        } else {
            let sampler = try PyramidSampler(config: pyramid, solver: solver)
            out = try sampler.output(try sampler.sample(request, forcing: forcing, velocity: model.network))
        }
        let plane = pyramid.height * pyramid.width, c = pyramid.channels
        var product = EnsembleProduct(sourceID: sourceID, scenario: try p.string("scenario"), timescale: timescale, startYear: startYear,
                                      years: years, members: members, model: model.variant, variables: pyramid.variables,
                                      lat: model.lat, lon: model.lon, values: [], samplingSeconds: 0)
        let t = product.frames
        var values = [Float](repeating: .nan, count: members * t * c * plane)
        let offsets = try out.frameStarts.map {
            try model.info.normalizer.frameOffset(source: source, start: $0, months: timescale.months, plane: plane, forcing: forcing)
        }
        let scale = try model.info.normalizer.scale(source: source, plane: plane)
        for m in 0..<members {
            for (f, start) in out.frameStarts.enumerated() {
                let ti = (start - startYear * 12) / timescale.months
                guard ti >= 0, ti < t else { continue }
                let src = (m * out.shape.frames + f) * c * plane, dst = (m * t + ti) * c * plane
                let physical = try model.info.normalizer.denormalizeFrame(out.values[src..<(src + c * plane)], offset: offsets[f],
                                                                          scale: scale)
                for i in 0..<(c * plane) { values[dst + i] = physical[i] }
            }
        }
        guard !values.contains(where: { $0.isNaN }) else {
            throw EngineError(.nodeFailed, "the baseline did not cover every frame of \(startYear)+\(years)y", node: context.nodeID)
        }
        EnsembleProduct.floorNonNegative(&values, variables: pyramid.variables, nonNegative: Set(try p.strings("non_negative")), plane: plane)
        product.values = values
        product.samplingSeconds = Date().timeIntervalSince(started)
        try product.write(to: try context.output())
    }
}

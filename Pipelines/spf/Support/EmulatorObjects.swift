import ClimateData
import Foundation
import SPFEngine
import SPFModel

/// The stored forms the emulator node kinds hand each other (training shards, trained models,
/// sampler states, merged ensembles), and how each is read back. One place, so every kind agrees.
enum EmulatorObjects {
    static let encoder: JSONEncoder = { let e = JSONEncoder(); e.outputFormatting = [.sortedKeys]; return e }()

    static func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String?, what: String, node: String) throws -> T {
        guard let text else { throw EngineError(.nodeFailed, "input lacks attribute '\(what)'", node: node) }
        do { return try JSONDecoder().decode(type, from: Data(text.utf8)) } catch {
            throw EngineError(.nodeFailed, "attribute '\(what)' does not decode: \(error)", node: node)
        }
    }

    /// Store dataset name of a training array (`ema/blocks.0.latent.fc1.weight` → `ema:blocks.0.latent.fc1.weight`).
    static func datasetName(_ arrayName: String) -> String { arrayName.replacingOccurrences(of: "/", with: ":") }

    /// Training array name of a store dataset (the inverse of `datasetName`).
    static func arrayName(_ datasetName: String) -> String {
        guard let i = datasetName.firstIndex(of: ":") else { return datasetName }
        return datasetName.replacingCharacters(in: i...i, with: "/")
    }

    // MARK: Training shards

    /// One run of a shard: experiment, member and the months it covers (January of `startYear` on).
    struct RunEntry: Codable, Equatable {
        var experiment: String
        var member: String
        var startYear: Int
        var months: Int
        /// Datasets: `fields_<index>` [months, C, H, W] and `forcing_<index>` [months, G].
        var index: Int
    }

    /// A shard as read back: the ESM, its grid, and its runs as plain arrays.
    struct Shard {
        var sourceID: String
        var calendar: String
        var variables: [String]
        var forcingNames: [String]
        var lat: [Double]
        var lon: [Double]
        var runs: [(entry: RunEntry, fields: [Float], forcing: [Float])]
        /// The stored shard, when the runs' fields stream from it (their `fields` are then empty).
        var streamedFrom: StoredObject?
        var height: Int { lat.count }
        var width: Int { lon.count }
    }

    /// Reads a shard; with `streaming`, the runs' fields stay in the store (read on demand by ``trainingRuns``'
    /// readers) and only their forcings are read.
    static func readShard(_ object: StoredObject, node: String, experiments: Set<String>? = nil, streaming: Bool = false) throws -> Shard {
        let entries = try decode([RunEntry].self, object.attribute("runs"), what: "runs", node: node)
        var runs: [(RunEntry, [Float], [Float])] = []
        for e in entries where experiments?.contains(e.experiment) ?? true {
            runs.append((e, streaming ? [] : try object.readFloats("fields_\(e.index)").values, try object.readFloats("forcing_\(e.index)").values))
        }
        return Shard(sourceID: object.attribute("source_id") ?? "?", calendar: object.attribute("calendar") ?? "",
                     variables: try decode([String].self, object.attribute("variables"), what: "variables", node: node),
                     forcingNames: try decode([String].self, object.attribute("forcing_names"), what: "forcing_names", node: node),
                     lat: try object.readDoubles("lat").values, lon: try object.readDoubles("lon").values, runs: runs,
                     streamedFrom: streaming ? object : nil)
    }

    /// Training runs of several shards for the SPF library, ESM index = position of its source_id in `sources`.
    static func trainingRuns(_ shards: [Shard], sources: [String], node: String) throws -> [TrainingRun] {
        var out: [TrainingRun] = []
        for s in shards {
            guard let index = sources.firstIndex(of: s.sourceID) else {
                throw EngineError(.nodeFailed, "shard of \(s.sourceID) is not in param 'sources' (\(sources.joined(separator: ", ")))", node: node)
            }
            for r in s.runs {
                let g = s.forcingNames.count
                let forcing = try ForcingSeries(startYear: r.entry.startYear, months: r.entry.months, griddedChannels: 0,
                                                height: s.height, width: s.width, gridded: [], globalChannels: g, global: r.forcing)
                let label = "\(s.sourceID)/\(r.entry.experiment)/\(r.entry.member)"
                if let object = s.streamedFrom {
                    let dataset = "fields_\(r.entry.index)"
                    let shape = try object.shape(of: dataset)
                    guard shape == [r.entry.months, s.variables.count, s.height, s.width] else {
                        throw EngineError(.nodeFailed, "shard of \(s.sourceID): \(dataset) has shape \(shape), expected [\(r.entry.months), \(s.variables.count), \(s.height), \(s.width)]", node: node)
                    }
                    out.append(try TrainingRun(source: index, label: label, startYear: r.entry.startYear, months: r.entry.months,
                                               channels: s.variables.count, height: s.height, width: s.width,
                                               reader: try ShardFieldReader(object: object, dataset: dataset), forcing: forcing))
                } else {
                    out.append(try TrainingRun(source: index, label: label, startYear: r.entry.startYear, months: r.entry.months,
                                               channels: s.variables.count, height: s.height, width: s.width, fields: r.fields, forcing: forcing))
                }
            }
        }
        return out
    }

    // MARK: Models

    /// A trained model ready to sample: the EMA network, its configuration, normalisation and ESM order.
    struct SamplingModel {
        var network: MMDiT
        var info: TrainerStateInfo
        var sources: [String]
        var variant: String
        var lat: [Double]
        var lon: [Double]
        var forcingNames: [String]

        /// The embedding index of `sourceID`; an error naming the ESMs the model knows otherwise.
        func sourceIndex(of sourceID: String, node: String) throws -> Int {
            guard let index = sources.firstIndex(of: sourceID) else {
                throw EngineError(.nodeFailed, "source_id \(sourceID) is not one the model was trained on (\(sources.joined(separator: ", ")))", node: node)
            }
            return index
        }
    }

    static func loadModel(_ object: StoredObject, node: String, threads: Int? = nil) throws -> SamplingModel {
        let info = try decode(TrainerStateInfo.self, object.attribute("trainer"), what: "trainer", node: node)
        var arrays: [String: (shape: [Int], values: [Float])] = [:]
        for name in object.datasetNames where name.hasPrefix("ema:") { arrays[arrayName(name)] = try object.readFloats(name) }
        let net = try MMDiT(config: info.model, pyramid: info.pyramid, seed: info.training.seed, threads: threads)
        try net.loadWeights(arrays, prefix: "ema/")
        return SamplingModel(network: net, info: info,
                             sources: try decode([String].self, object.attribute("sources"), what: "sources", node: node),
                             variant: object.attribute("variant") ?? "spf",
                             lat: try object.readDoubles("lat").values, lon: try object.readDoubles("lon").values,
                             forcingNames: try decode([String].self, object.attribute("forcing_names"), what: "forcing_names", node: node))
    }

    /// The monthly forcing of a scenario (a `climate.align-forcings` output), normalised for the model.
    static func forcingSeries(_ object: StoredObject, model: SamplingModel, node: String) throws -> ForcingSeries {
        let names = try decode([String].self, object.attribute("forcing_names"), what: "forcing_names", node: node)
        guard names == model.forcingNames else {
            throw EngineError(.nodeFailed, "forcing channels \(names) differ from the model's \(model.forcingNames)", node: node)
        }
        let (shape, values) = try object.readFloats("forcing_monthly")
        guard shape.count == 2, shape[1] == names.count, shape[0] % 12 == 0 else {
            throw EngineError(.nodeFailed, "forcing_monthly has shape \(shape); expected whole years of [months, \(names.count)]", node: node)
        }
        guard let startYear = object.attribute("first_year").flatMap(Int.init) ?? firstYear(object) else {
            throw EngineError(.nodeFailed, "forcing input has no first year", node: node)
        }
        let series = try ForcingSeries(startYear: startYear, months: shape[0], griddedChannels: 0,
                                       height: model.info.pyramid.height, width: model.info.pyramid.width, gridded: [],
                                       globalChannels: names.count, global: values)
        return try model.info.normalizer.normalize(series)
    }

    /// The calendar year of the first frame of an aligned forcing, decoded in its own calendar.
    static func firstYear(_ object: StoredObject) -> Int? {
        guard let units = object.attribute("time_units"), let t = try? object.readDoubles("time_monthly").values,
              let axis = try? ClimateData.TimeAxis(calendar: CFCalendar(cfName: object.attribute("calendar")),
                                                   units: CFTimeUnits(parsing: units), values: Array(t.prefix(1)), bounds: nil),
              let first = try? axis.dates().first else { return nil }
        return first.year
    }

    // MARK: Sampler states

    static func writeState(_ state: SamplerState, seconds: Double, to writer: ObjectWriter) throws {
        try writer.write("latent", shape: [state.latent.count], values: state.latent)
        try writer.setAttribute("state", try state.metadataJSON())
        try writer.setAttribute("seconds", String(seconds))
    }

    static func readState(_ object: StoredObject, node: String) throws -> (SamplerState, Double) {
        guard let meta = object.attribute("state") else { throw EngineError(.nodeFailed, "input is not a sampler state", node: node) }
        let latent = try object.readFloats("latent").values
        return (try SamplerState.restore(metadataJSON: meta, latent: latent), Double(object.attribute("seconds") ?? "") ?? 0)
    }
}

import Foundation
import SPFEngine
import SPFModel

/// The `shard-set` object `spf.shards` stores: one ESM's monthly or yearly runs in the model's input format;
/// read by `spf.norm-stats`, `spf.train`, `eval.evaluate` and `eval.report`.
///
/// Datasets: `fields_<i>` float32 `[frames, C, lat, lon]` (C in `variables` order; 12 frames a year for
/// monthly data, 1 for yearly), `forcing_<i>` float32 `[months, G]`, `lat`, `lon`. Attributes: `runs` (JSON
/// list of experiment, member, startYear, months, index, framesPerYear), `source_id`, `calendar`,
/// `variables`, `forcing_names`, `timescale` (monthly or yearly).
struct ShardSetObject {
    /// The schema inputs declare to take this object.
    static let schema = ObjectSchema("shard-set", "training windows of one ESM, spf.shards")

    /// Attribute names.
    enum Attribute {
        static let runs = "runs"
        static let sourceID = "source_id"
        static let calendar = "calendar"
        static let variables = "variables"
        static let forcingNames = "forcing_names"
        static let timescale = "timescale"
    }

    /// Dataset names.
    enum Dataset {
        static func fields(_ index: Int) -> String { "fields_\(index)" }
        static func forcing(_ index: Int) -> String { "forcing_\(index)" }
        static let lat = "lat"
        static let lon = "lon"
    }

    /// One run of a shard: experiment, member and the months it covers (January of `startYear` on).
    struct RunEntry: Codable, Equatable {
        var experiment: String
        var member: String
        var startYear: Int
        var months: Int
        /// Datasets: `fields_<index>` [frames, C, H, W] and `forcing_<index>` [months, G].
        var index: Int
        /// Frames of `fields_<index>` per year: absent (12) for monthly data, 1 for yearly data.
        var framesPerYear: Int?
    }

    var sourceID: String
    var calendar: String
    var variables: [String]
    var forcingNames: [String]
    var lat: [Double]
    var lon: [Double]
    /// Runs with their fields on the month grid (yearly data held over each year's months, see ``MonthlyFrames``).
    var runs: [(entry: RunEntry, fields: [Float], forcing: [Float])]
    /// What the data resolve: the trained pyramid has no monthly stage for yearly data.
    var timescale: MonthlyFrames.DataTimescale
    /// The stored shard, when the runs' fields stream from it (their `fields` are then empty).
    var streamedFrom: StoredObject?
    var height: Int { lat.count }
    var width: Int { lon.count }

    // MARK: Writing (run by run, then the grid and the metadata)

    /// Writes one run's arrays, `fields` `[frames, C, lat, lon]` and `forcing` `[months, G]`.
    static func writeRun(index: Int, fields: [Float], fieldShape: [Int], forcing: [Float], forcingShape: [Int],
                         to out: ObjectWriter) throws {
        try out.write(Dataset.fields(index), shape: fieldShape, values: fields)
        try out.write(Dataset.forcing(index), shape: forcingShape, values: forcing)
    }

    /// Writes the grid and the attributes, after every run.
    static func writeMetadata(runs: [RunEntry], sourceID: String, calendar: String, variables: [String], forcingNames: [String],
                              lat: [Double], lon: [Double], timescale: MonthlyFrames.DataTimescale, to out: ObjectWriter) throws {
        try out.write(Dataset.lat, shape: [lat.count], values: lat)
        try out.write(Dataset.lon, shape: [lon.count], values: lon)
        try out.setAttribute(Attribute.runs, try ObjectJSON.json(runs))
        try out.setAttribute(Attribute.sourceID, sourceID)
        try out.setAttribute(Attribute.calendar, calendar)
        try out.setAttribute(Attribute.variables, try ObjectJSON.json(variables))
        try out.setAttribute(Attribute.forcingNames, try ObjectJSON.json(forcingNames))
        try out.setAttribute(Attribute.timescale, timescale.rawValue)
    }

    // MARK: Reading

    /// The runs listed in a shard (no arrays read).
    static func runEntries(_ object: StoredObject, node: String) throws -> [RunEntry] {
        try ObjectJSON.decode([RunEntry].self, attribute: Attribute.runs, of: object, node: node)
    }

    /// Reads a shard, with the runs of `experiments` only (all when nil); with `streaming`, the runs' fields stay in the
    /// store (read on demand by ``trainingRuns``' readers) and only their forcings are read.
    static func read(_ object: StoredObject, node: String, experiments: Set<String>? = nil, streaming: Bool = false) throws -> ShardSetObject {
        let entries = try runEntries(object, node: node)
        var runs: [(RunEntry, [Float], [Float])] = []
        let timescale = MonthlyFrames.DataTimescale(rawValue: object.attribute(Attribute.timescale) ?? "monthly") ?? .monthly
        for e in entries where experiments?.contains(e.experiment) ?? true {
            var fields: [Float] = []
            if !streaming {
                let (shape, stored) = try object.readFloats(Dataset.fields(e.index))
                fields = stored
                if (e.framesPerYear ?? 12) == 1, let frames = shape.first, frames > 0 {
                    fields = MonthlyFrames.expand(stored, plane: stored.count / frames, frames: frames)
                }
            }
            runs.append((e, fields, try object.readFloats(Dataset.forcing(e.index)).values))
        }
        return ShardSetObject(sourceID: object.attribute(Attribute.sourceID) ?? "?", calendar: object.attribute(Attribute.calendar) ?? "",
                              variables: try ObjectJSON.decode([String].self, attribute: Attribute.variables, of: object, node: node),
                              forcingNames: try ObjectJSON.decode([String].self, attribute: Attribute.forcingNames, of: object, node: node),
                              lat: try object.readDoubles(Dataset.lat).values, lon: try object.readDoubles(Dataset.lon).values, runs: runs,
                              timescale: timescale, streamedFrom: streaming ? object : nil)
    }

    /// Training runs of several shards for the SPF library, ESM index = position of its source_id in `sources`.
    static func trainingRuns(_ shards: [ShardSetObject], sources: [String], node: String) throws -> [TrainingRun] {
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
                    let dataset = Dataset.fields(r.entry.index)
                    let framesPerYear = r.entry.framesPerYear ?? 12
                    let shape = try object.shape(of: dataset)
                    guard shape == [r.entry.months * framesPerYear / 12, s.variables.count, s.height, s.width] else {
                        throw EngineError(.nodeFailed, "shard of \(s.sourceID): \(dataset) has shape \(shape), expected [\(r.entry.months * framesPerYear / 12), \(s.variables.count), \(s.height), \(s.width)]", node: node)
                    }
                    out.append(try TrainingRun(source: index, label: label, startYear: r.entry.startYear, months: r.entry.months,
                                               channels: s.variables.count, height: s.height, width: s.width,
                                               reader: try ShardFieldReader(object: object, dataset: dataset, framesPerYear: framesPerYear),
                                               forcing: forcing))
                } else {
                    out.append(try TrainingRun(source: index, label: label, startYear: r.entry.startYear, months: r.entry.months,
                                               channels: s.variables.count, height: s.height, width: s.width, fields: r.fields, forcing: forcing))
                }
            }
        }
        return out
    }
}

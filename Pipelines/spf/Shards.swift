import ClimateData
import Foundation
import SPFEngine

/// `spf.shards`: one ESM's regridded monthly or yearly runs, paired with their aligned forcings, as
/// training shards in the model's input format.
///
/// Inputs: the `climate.regrid` outputs of every variable (list `fields`; paired by experiment and
/// member) and the `climate.align-forcings` outputs of each experiment (list `forcing`).
/// Output datasets: `fields_<i>` float32 `[frames, C, lat, lon]` (C in `variables` order; frames are months,
/// or years for yearly data), `forcing_<i>` float32 `[months, G]`, `lat`, `lon`; attributes `runs` (JSON list of
/// experiment, member, startYear, months, index, framesPerYear), `source_id`, `calendar`, `variables`,
/// `forcing_names`, `timescale` (monthly or yearly: what the data resolve, which the trained pyramid follows).
public struct TrainingShards: NodeKind {
    /// Kind name.
    public static let name = "spf.shards"
    /// Implementation version (2: yearly data accepted, attribute `timescale`).
    public static let version = 2
    /// Summary.
    public static let summary = "Training shards of one ESM: monthly or yearly fields [frames, C, lat, lon] with aligned monthly forcings."
    /// Params.
    public struct Params: ParamSet {
        @Param("variables", doc: "output variables, in channel order")
        public var variables = ["tas", "pr"]

        /// The declarations.
        public init() {}
    }
    /// Output schema.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.shardSet)
    /// Inputs.
    public static let inputs = [
        InputSpec("fields", list: true, [PipelineObjects.curatedField], doc: "climate.regrid outputs (monthly or yearly, all alike) of one ESM: every variable, experiment and member"),
        InputSpec("forcing", list: true, [PipelineObjects.alignedForcing], doc: "climate.align-forcings outputs of that ESM, one per experiment"),
    ]
    /// Makes the kind.
    public init() {}

    /// Pairs fields by (experiment, member), checks months and grids, writes one shard.
    public func run(_ context: NodeContext) throws {
        let variables = try context.params(Params.self).variables
        var byRun: [String: [String: ClimateFieldObject]] = [:]
        var source = ""
        for object in try context.inputList("fields") {
            let o = try ClimateFieldObject.read(object)
            guard let exp = o.experiment, let member = o.member else {
                throw EngineError(.nodeFailed, "input \(object.key) lacks experiment/member facets", node: context.nodeID)
            }
            if source.isEmpty { source = o.sourceID ?? "" }
            guard o.sourceID == source else {
                throw EngineError(.nodeFailed, "inputs mix ESMs \(source) and \(o.sourceID ?? "?"); one shard per ESM", node: context.nodeID)
            }
            byRun["\(exp)\t\(member)", default: [:]][o.field.variable.name] = o
        }
        var forcings: [String: StoredObject] = [:]
        for object in try context.inputList("forcing") {
            guard let exp = AlignedForcingObject.experimentID(object) else {
                throw EngineError(.nodeFailed, "forcing input \(object.key) has no experiment_id", node: context.nodeID)
            }
            forcings[exp] = object
        }
        let out = try context.output()
        var entries: [ShardSetObject.RunEntry] = []
        var grid: LatLonGrid?
        var calendar = ""
        var forcingNames: [String] = []
        var dataTimescale: MonthlyFrames.DataTimescale?
        for (index, runKey) in byRun.keys.sorted().enumerated() {
            let parts = runKey.split(separator: "\t").map(String.init)
            let (exp, member) = (parts[0], parts[1])
            guard let objects = byRun[runKey] else { continue }
            let fields = try variables.map { v -> ClimateFieldObject in
                guard let o = objects[v] else {
                    throw EngineError(.nodeFailed, "run \(source) \(exp) \(member) has no variable '\(v)' (has \(objects.keys.sorted()))", node: context.nodeID)
                }
                return o
            }
            let first = fields[0].field
            guard let time = first.time else { throw EngineError(.nodeFailed, "\(source) \(exp) \(member): no time axis", node: context.nodeID) }
            let dates = try time.dates()
            let timescale = try MonthlyFrames.timescale(of: time, what: "\(source) \(exp) \(member) \(variables[0])", node: context.nodeID)
            if let t = dataTimescale, t != timescale {
                throw EngineError(.nodeFailed, "\(source) \(exp) \(member) is \(timescale), earlier runs are \(t): curate every run to one frequency", node: context.nodeID)
            }
            dataTimescale = timescale
            guard let d0 = dates.first, timescale == .yearly || (d0.month == 1 && dates.count % 12 == 0) else {
                throw EngineError(.nodeFailed, "\(source) \(exp) \(member): shards need whole years of monthly frames from January (\(dates.count) frames)", node: context.nodeID)
            }
            if timescale == .yearly {
                _ = try MonthlyFrames.of(first, what: "\(source) \(exp) \(member)", node: context.nodeID)   // consecutive years
            }
            for f in fields.dropFirst() where f.field.grid != first.grid || f.field.values.count != first.values.count {
                throw EngineError(.nodeFailed, "\(source) \(exp) \(member): variables differ in grid or length", node: context.nodeID)
            }
            if let g = grid, g != first.grid {
                throw EngineError(.nodeFailed, "\(source): runs are on different grids; regrid them to one grid first", node: context.nodeID)
            }
            grid = first.grid
            calendar = time.calendar.cfName
            guard let forcing = forcings[exp] else {
                throw EngineError(.nodeFailed, "no aligned forcing for experiment \(exp) (have \(forcings.keys.sorted()))", node: context.nodeID)
            }
            let names = try AlignedForcingObject.forcingNames(forcing, node: context.nodeID)
            if forcingNames.isEmpty { forcingNames = names }
            let (fshape, fvalues) = try AlignedForcingObject.monthly(forcing)
            let fYear = AlignedForcingObject.firstYear(forcing) ?? d0.year
            let offset = (d0.year - fYear) * 12
            let frames = dates.count, months = frames * 12 / timescale.framesPerYear
            guard offset >= 0, fshape.count == 2, offset + months <= fshape[0] else {
                throw EngineError(.nodeFailed, "\(source) \(exp): forcing covers \(fYear)+\(fshape.first ?? 0) months, fields \(d0.year)+\(months)", node: context.nodeID)
            }
            let g = fshape[1]
            let forcingSlice = Array(fvalues[(offset * g)..<((offset + months) * g)])
            let plane = first.grid.nlat * first.grid.nlon
            var packed = [Float](repeating: 0, count: frames * variables.count * plane)
            for t in 0..<frames {
                for (c, f) in fields.enumerated() {
                    let src = t * plane, dst = (t * variables.count + c) * plane
                    for k in 0..<plane {
                        let v = f.field.values[src + k]
                        packed[dst + k] = v.isNaN ? 0 : v
                    }
                }
            }
            try ShardSetObject.writeRun(index: index, fields: packed, fieldShape: [frames, variables.count, first.grid.nlat, first.grid.nlon],
                                        forcing: forcingSlice, forcingShape: [months, g], to: out)
            entries.append(.init(experiment: exp, member: member, startYear: d0.year, months: months, index: index,
                                 framesPerYear: timescale == .yearly ? 1 : nil))
            context.progress(Double(index + 1) / Double(byRun.count), "\(exp) \(member)")
        }
        guard let g = grid else { throw EngineError(.nodeFailed, "no runs in the inputs", node: context.nodeID) }
        try ShardSetObject.writeMetadata(runs: entries, sourceID: source, calendar: calendar, variables: variables, forcingNames: forcingNames,
                                         lat: g.lat, lon: g.lon, timescale: dataTimescale ?? .monthly, to: out)
        context.log("\(source): \(entries.count) \((dataTimescale ?? .monthly).rawValue) runs, grid \(g.nlat)x\(g.nlon), calendar \(calendar)")
    }
}

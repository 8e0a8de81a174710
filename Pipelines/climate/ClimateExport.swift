import ClimateData
import Foundation
import SPFEngine

/// `climate.export`: writes curated/regridded fields as CF-1.8 netCDF-4 files (shuffle + deflate)
/// into the output's files directory, one file per model and experiment, members of one model
/// joined along a `member` dimension; records and prints the per-model summary.
public struct ExportCF: NodeKind {
    /// Kind name.
    public static let name = "climate.export"
    /// Implementation version.
    public static let version = 1
    /// Summary.
    public static let summary = "Write fields as CF-1.8 netCDF-4 files and print a per-model summary."
    /// Output schema.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.fieldExport)
    /// Inputs.
    public static let inputs = [InputSpec("data", list: true, [PipelineObjects.curatedField], doc: "climate.curate or climate.regrid outputs")]
    /// Params.
    public struct Params: ParamSet {
        @Param("deflate", doc: "deflate level 1-9 (shuffle always on)")
        public var deflate = 4
        @Param("member_layout", doc: "memberFirst (member, time, lat, lon) or timeFirst (CDO-readable)")
        public var memberLayout: CFFileSpec.MemberLayout = .memberFirst
        @Param("title", key: false, doc: "global title attribute")
        public var title = "spfflow curated CMIP6 data"
        @Param("print_summary", key: false, doc: "print the per-model summary to standard output")
        public var printSummary = true

        /// The declarations.
        public init() {}
    }
    /// Makes the kind.
    public init() {}

    /// Writes the files, a `summary.txt` and attributes `files` (JSON list) and `report` (the summary text).
    public func run(_ context: NodeContext) throws {
        let p = try context.params(Params.self)
        let inputs = try context.inputList("data")
        var objects: [(ClimateFieldObject, String)] = []
        for i in inputs { objects.append((try ClimateFieldObject.read(i), i.key)) }
        let layout = p.memberLayout
        let out = try context.output("out")
        var groups: [String: [(ClimateFieldObject, String)]] = [:]
        for o in objects {
            groups["\(o.0.sourceID ?? "x")_\(o.0.experiment ?? "x")", default: []].append(o)
        }
        var written: [String] = []
        for key in groups.keys.sorted() {
            guard let members = groups[key]?.sorted(by: { ($0.0.member ?? "") < ($1.0.member ?? "") }), let first = members.first else { continue }
            let f0 = first.0.field
            guard let time = f0.time else { continue }
            for m in members.dropFirst() {
                guard m.0.field.grid == f0.grid, m.0.field.time == time else {
                    throw ClimateDataError(.mismatch, "members of \(key) differ in grid or time axis; export them separately")
                }
            }
            let fc = first.0
            let gridName = f0.grid.kind == .regular ? "r\(f0.grid.nlon)x\(f0.grid.nlat)" : "\(f0.grid.kind.rawValue)\(f0.grid.nlat)x\(f0.grid.nlon)"
            let fileName = "\(f0.variable.name)_\(fc.table ?? "x")_\(key)_\(gridName)_\(fc.period ?? "x").nc"
            let path = out.filesDirectory.appendingPathComponent(fileName).path
            let globals: [(name: String, value: CFAttribute)] = [
                ("title", .text(p.title)), ("source_id", .text(fc.sourceID ?? "")),
                ("experiment_id", .text(fc.experiment ?? "")), ("table_id", .text(fc.table ?? "")),
                ("aggregation", .text(fc.period ?? "")), ("calendar_note", .text("time kept in the model's own \(time.calendar.cfName) calendar (never converted)")),
            ]
            let spec = CFFileSpec(variable: f0.variable, grid: f0.grid, time: time,
                                  members: members.map { $0.0.member ?? "?" },
                                  scalarCoordinates: layout == .timeFirst ? [] : (f0.level.map { [$0] } ?? []), globalAttributes: globals,
                                  provenance: CFProvenance(sources: [fc.sourceID ?? ""], scenario: fc.experiment, softwareVersion: SPFEngineInfo.version,
                                                           cacheKey: members.map(\.1).joined(separator: " "), history: "spfflow climate.export node \(context.nodeID)"),
                                  deflateLevel: p.deflate, timeStepsPerChunk: 12, memberLayout: layout)
            var values: [Float] = []
            for m in members { values += m.0.field.values }
            try CFWriter.write(path: path, spec: spec, values: values)
            written.append(fileName)
        }
        let report = Self.report(objects.map(\.0.summary))
        try report.write(to: out.filesDirectory.appendingPathComponent(FieldExportObject.summaryFile), atomically: true, encoding: .utf8)
        try FieldExportObject.write(files: written, report: report, to: out)
        context.log(report)
        if p.printSummary { print(report) }
    }

    /// The per-model summary table.
    static func report(_ summaries: [CMIP6DatasetSummary]) -> String {
        var lines = ["per-model summary (\(summaries.count) dataset(s)):",
                     "model            files  years      calendar             grid (native -> output)                                      fill values found"]
        for s in summaries.sorted(by: { $0.sourceID < $1.sourceID }) {
            let fills = "\(s.declaredMissing) declared, \(s.hugeValueMissing) attribute-less 1e20, \(s.defaultFillMissing) netCDF default fill" + (s.declaredFillValues.isEmpty ? " (no fill attributes)" : " (\(s.declaredFillValues.map { "\($0)" }.joined(separator: ", ")))")
            let cols = [s.sourceID.padding(toLength: 16, withPad: " ", startingAt: 0),
                        String(s.files).padding(toLength: 6, withPad: " ", startingAt: 0),
                        "\(s.firstYear)-\(s.lastYear)".padding(toLength: 10, withPad: " ", startingAt: 0),
                        s.calendar.padding(toLength: 20, withPad: " ", startingAt: 0),
                        (s.grid + (s.boundsInFile ? "" : " [bounds derived]")).padding(toLength: 60, withPad: " ", startingAt: 0),
                        fills]
            lines.append(cols.joined(separator: " "))
            for i in s.issues { lines.append("    issue: \(i)") }
            if s.timeUnits.count > 1 { lines.append("    note: \(s.timeUnits.count) different time units across files, re-referenced to the first") }
        }
        return lines.joined(separator: "\n")
    }
}

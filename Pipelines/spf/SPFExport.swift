import ClimateData
import Foundation
import SPFEngine

/// `spf.export`: writes emulated ensembles as CF-1.8 netCDF-4 (shuffle + deflate), one file per
/// emulator, ESM, scenario and timescale holding every emulated variable (tas and pr) as
/// `(member, time, lat, lon)`, named `SPF-CESM2_ssp245_r32x16_yearly.nc`, readable by xarray, CDO
/// and ncview as they are.
///
/// Time is written in the ESM's own calendar (param `calendars` maps source_id to calendar; the
/// emulator produces calendar months and years, so no conversion happens) with bounds.
/// With `publish_dir` set, files are also published there atomically (written beside, then renamed)
/// under `<publish_dir>/<run label>/` with a `latest` symbolic link switched by rename, and a JSON
/// summary `summary.json` a monitoring system can read.
///
/// `layout: cmip` writes what CMIP6 archives and AIMIP ask for instead (`CMIPPublication`): one file per
/// variable and member in CMIP6's DRS directories and file names, CMOR-style attributes, an
/// `areacella` fx file, and an intake-esm catalogue (`catalog.json`, `catalog.csv`; `IntakeCatalog`)
/// beside the `CMIP6/` tree, in the cache (paths relative to it) and in every publication (absolute paths).
public struct ExportEnsemble: NodeKind {
    /// Kind name.
    public static let name = "spf.export"
    /// Implementation version (3: member labels and `ensemble_design` say which members are antithetic pairs;
    /// 4: `layout: cmip` and its params; 5: the ensemble file's chunk cache holds one member's chunks, so the node's memory
    /// no longer grows with the members (netCDF's default cache held 34 MiB at 3,000 members); chunks are placed in the file
    /// as they are written, so the file's bytes differ from version 4's, its values do not; 6: every product's rows are
    /// labelled with the sampler's member indices, m<k> and realization k + 1, as the cmip layout's r<k+1>i1p1f1: a product
    /// of members 700-799 was labelled m0…m99, the labels of another night's first block).
    public static let version = 6
    /// Summary.
    public static let summary = "Export emulated ensembles as CF-1.8 netCDF (member, time, lat, lon) or in CMIP6's layout, optionally publishing them."
    /// Params.
    public struct Params: ParamSet {
        @Param("calendars", doc: "source_id → CF calendar of its output (default noleap)")
        public var calendars: [String: ParamValue] = [:]
        @Param("deflate", doc: "deflate level (shuffle always on)")
        public var deflate = 4
        @Param("layout",
               doc: "member-first: one file per ESM, scenario and timescale, (member, time, lat, lon), as xarray users expect; "
                + "time-first: the same as (time, member, lat, lon), which CDO also reads (it needs time first and takes "
                + "member as a z-axis); cmip: CMIP6's DRS, one file per variable and member (r<k+1>i1p1f1 for sampler member k), "
                + "table Amon/Ayr/Adec for monthly/yearly/decadal, source_id <EMULATOR>-<ESM>, grid_label and version from "
                + "the params below, CMOR-style attributes, an areacella fx file and an intake-esm catalogue")
        public var layout: Layout = .memberFirst
        @Param("publish_dir", key: false, doc: "publish directory (empty: keep the files in the cache only)")
        public var publishDir = ""
        @Param("label", key: false, doc: "label of this publication (default: `<node id>-<UTC time>`)")
        public var label = ""
        @ParamGroup
        var cmip: CMIPPublicationSettings.Params

        /// The declarations.
        public init() {}
    }
    /// Output schema.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.ensembleExport)
    /// Inputs.
    public static let inputs = [InputSpec("products", list: true, [PipelineObjects.ensembleProduct], doc: "spf.merge or spf.sample-baseline outputs")]
    /// Makes the kind.
    public init() {}

    /// The time axis of a product: month, year or decade frames with bounds, in `calendar`.
    static func timeAxis(startYear: Int, years: Int, timescale: String, calendar: CFCalendar) throws -> TimeAxis {
        let units = CFTimeUnits(unit: .days, reference: CFDateTime(year: 1850, month: 1, day: 1))
        let origin = calendar.dayNumber(year: 1850, month: 1, day: 1)
        func day(_ y: Int, _ m: Int) -> Double { Double(calendar.dayNumber(year: y, month: m, day: 1) - origin) }
        var values: [Double] = [], bounds: [Double] = []
        func add(_ lo: Double, _ hi: Double) { values.append((lo + hi) / 2); bounds += [lo, hi] }
        switch timescale {
        case "monthly":
            for y in startYear..<(startYear + years) {
                for m in 1...12 { add(day(y, m), m == 12 ? day(y + 1, 1) : day(y, m + 1)) }
            }
        case "yearly":
            for y in startYear..<(startYear + years) { add(day(y, 1), day(y + 1, 1)) }
        default:
            var y = startYear
            while y < startYear + years { add(day(y, 1), day(min(y + 10, startYear + years), 1)); y += 10 }
        }
        return try TimeAxis(calendar: calendar, units: units, values: values, bounds: bounds)
    }

    /// CF metadata of the emulated variables.
    static func variableSpec(_ name: String, timescale: String) -> CFVariableSpec {
        let period = timescale == "monthly" ? "month" : (timescale == "yearly" ? "year" : "10 years")
        switch name {
        case "tas": return CFVariableSpec(name: "tas", standardName: "air_temperature", longName: "Near-Surface Air Temperature (emulated)",
                                          units: "K", cellMethods: "area: time: mean (interval: 1 \(period))")
        case "pr": return CFVariableSpec(name: "pr", standardName: "precipitation_flux", longName: "Precipitation (emulated)",
                                         units: "kg m-2 s-1", cellMethods: "area: time: mean (interval: 1 \(period))")
        default: return CFVariableSpec(name: name, units: "1")
        }
    }

    /// The `layout` param: one ensemble file per product with the member dimension first or second, or CMIP's layout.
    public enum Layout: String, CaseIterable, ParamChoice, Sendable {
        /// `(member, time, lat, lon)`.
        case memberFirst = "member-first"
        /// `(time, member, lat, lon)`.
        case timeFirst = "time-first"
        /// CMIP6's DRS.
        case cmip

        /// The ensemble file's dimension order; nil for CMIP's layout.
        var memberLayout: CFFileSpec.MemberLayout? {
            switch self {
            case .memberFirst: .memberFirst
            case .timeFirst: .timeFirst
            case .cmip: nil
            }
        }
    }

    /// Writes the files (and publishes them).
    public func run(_ context: NodeContext) throws {
        let started = Date()
        let p = try context.params(Params.self)
        let layout = p.layout
        var cmip: CMIPPublication?
        if layout == .cmip {
            let iso = ISO8601DateFormatter()
            iso.formatOptions = [.withInternetDateTime]
            cmip = CMIPPublication(settings: try CMIPPublicationSettings.from(p.cmip, deflate: p.deflate, node: context.nodeID, now: started),
                                   node: context.nodeID, creationDate: iso.string(from: started))
        }
        let calendars = p.calendars
        let out = try context.output()
        var written: [[String: String]] = []
        var assets: [IntakeCatalog.Asset] = []
        var publishedPaths: Set<String> = []
        for object in try context.inputList("products") {
            let stored = EnsembleProduct.Stored(object)
            guard let source = stored.sourceID, let scenario = stored.scenario, let timescale = stored.timescaleName,
                  let start = stored.startYear, let years = stored.years else {
                throw EngineError(.nodeFailed, "input \(object.key) is not an ensemble product", node: context.nodeID)
            }
            let modelName = stored.model
            var calendarName = "noleap"
            if case .string(let c)? = calendars[source] { calendarName = c }
            let calendar = try CFCalendar(cfName: calendarName)
            let grid = try LatLonGrid(lat: try stored.latitudes(), lon: try stored.longitudes())
            let time = try Self.timeAxis(startYear: start, years: years, timescale: timescale, calendar: calendar)
            let variables = try stored.variables(node: context.nodeID)
            guard let first = variables.first else {
                throw EngineError(.nodeFailed, "input \(object.key) has no variables", node: context.nodeID)
            }
            var members = 0
            for v in variables {
                let shape = try object.shape(of: v)
                guard shape.count == 4, shape[1] == time.count, shape[2] == grid.nlat, shape[3] == grid.nlon else {
                    throw EngineError(.nodeFailed, "\(v) of \(source) has shape \(shape); expected [member, \(time.count), \(grid.nlat), \(grid.nlon)]", node: context.nodeID)
                }
                guard members == 0 || members == shape[0] else {
                    throw EngineError(.nodeFailed, "\(v) of \(source) has \(shape[0]) members, \(first) has \(members)", node: context.nodeID)
                }
                members = shape[0]
            }
            if let cmip {
                let ids = try EnsembleProduct.memberIDs(object, members: members, node: context.nodeID)
                let product = CMIPPublication.Product(object: object, sourceID: source, scenario: scenario, timescale: timescale,
                                                      model: modelName, startYear: start, years: years, variables: variables,
                                                      memberIDs: ids, antithetic: stored.isAntithetic, grid: grid, time: time)
                // Two products of the same emulator, ESM, scenario and timescale would write the same files: refuse rather
                // than let the second overwrite the first (the fx file of an ESM and scenario is shared by its timescales).
                for path in try cmip.dataPaths(product) where publishedPaths.contains(path) {
                    throw EngineError(.nodeFailed, "input 'products': \(object.key) would write \(path) again (two products of the same "
                                      + "emulator, ESM, scenario and timescale)", node: context.nodeID)
                }
                for asset in try cmip.write(product, root: out.filesDirectory) where !assets.contains(where: { $0.path == asset.path }) {
                    publishedPaths.insert(asset.path)
                    assets.append(asset)
                    written.append(EnsembleExportObject.entry(file: asset.path, product: stored, sourceID: source, scenario: scenario,
                                                              timescale: timescale, variables: asset.facets["variable_id"] ?? "",
                                                              members: members, model: modelName))
                }
                continue
            }
            guard let memberLayout = layout.memberLayout else { continue }
            // Rows are labelled with the sampler's member indices (a product of members 700-799 is m700…m799, realizations
            // 701…800, as in the cmip layout's r701i1p1f1), so products of other member blocks never reuse a label.
            let memberIDs = try EnsembleProduct.memberIDs(object, members: members, node: context.nodeID)
            var design: [(name: String, value: CFAttribute)] = []
            if stored.isAntithetic {
                design.append(("ensemble_design", .text("antithetic pairs: members m(2k) and m(2k+1) were sampled from opposite noise; "
                    + "each member is an exact draw, but a pair is not independent, so an unbiased spread or fair CRPS leaves out "
                    + "each member's partner")))
            }
            let tag = modelName == "spf" ? "SPF" : modelName.uppercased()
            let fileName = "\(tag)-\(source)_\(scenario)_r\(grid.nlon)x\(grid.nlat)_\(timescale).nc"
            var spec = CFFileSpec(
                variable: Self.variableSpec(first, timescale: timescale), grid: grid, time: time,
                members: memberIDs.map { "m\($0)" }, memberNumbers: memberIDs.map { $0 + 1 },
                globalAttributes: [("title", .text("\(tag) emulation of \(source) \(scenario), \(timescale) \(variables.joined(separator: " and "))")),
                                   ("source_id", .text(source)), ("experiment_id", .text(scenario)),
                                   ("emulator", .text(modelName)), ("frequency", .text(timescale))] + design,
                provenance: CFProvenance(sources: [source], scenario: scenario, softwareVersion: SPFEngineInfo.version,
                                         cacheKey: object.key, history: "spfflow spf.export node \(context.nodeID)"),
                deflateLevel: p.deflate, memberLayout: memberLayout)
            spec.additionalVariables = variables.dropFirst().map { Self.variableSpec($0, timescale: timescale) }
            spec.memberChunkCache = true
            // Member by member: memory holds one member's [time, lat, lon] of one variable, whatever the ensemble size.
            let writer = try CFWriter(path: out.filesDirectory.appendingPathComponent(fileName).path, spec: spec)
            for v in variables {
                for m in 0..<members {
                    try writer.write(variable: v, member: m, timeStart: 0, values: try object.readFloats(v, rows: m..<(m + 1)).values)
                }
            }
            try writer.close()
            written.append(EnsembleExportObject.entry(file: fileName, product: stored, sourceID: source, scenario: scenario, timescale: timescale,
                                                      variables: variables.joined(separator: " "), members: members, model: modelName))
        }
        try EnsembleExportObject.write(files: written, to: out)
        var catalog: IntakeCatalog?
        if cmip != nil {
            catalog = IntakeCatalog(id: "spfflow-\(context.nodeID)",
                                    description: "Emulated ensembles exported by spfflow node \(context.nodeID) in the CMIP6 layout", assets: assets)
            // In the cache, paths are relative to the catalogue's directory (open it from there); a publication names them absolutely.
            try catalog?.write(to: out.filesDirectory, pathPrefix: "")
        }
        let publish = p.publishDir
        if !publish.isEmpty {
            var label = p.label
            if label.isEmpty {
                let stamp = DateFormatter()
                stamp.locale = Locale(identifier: "en_US_POSIX")
                stamp.timeZone = TimeZone(identifier: "UTC")
                stamp.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
                label = "\(context.nodeID)-\(stamp.string(from: started))"
            }
            catalog?.id = "spfflow-\(label)"
            try Publisher(directory: URL(fileURLWithPath: publish)).publish(
                files: written.compactMap { $0[EnsembleExportObject.Entry.file] }.map { (out.filesDirectory.appendingPathComponent($0), $0) },
                label: label, summary: written, exportSeconds: Date().timeIntervalSince(started), catalog: catalog)
            context.log("published \(written.count) files to \(publish)")
        }
    }
}

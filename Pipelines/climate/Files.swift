import ClimateData
import Foundation
import SPFEngine

/// `climate.files`: curates one dataset from explicit files that need not follow the CMIP6 DRS
/// (any names, any layout), for archives of a single model or an institute's own runs. The files
/// are listed by name or glob under `root`; they are joined in time whatever order they are
/// listed in, and a gap, an overlap, a calendar, grid or variable that differs between files is an
/// error naming the files (``CFFileSeries``). Facets (source_id, experiment, member, table) come
/// from the params, or, when a param is empty, from each file's global attributes (`source_id`,
/// `experiment_id`, `variant_label`/`member_id`, `table_id`), which must then agree across the files.
///
/// Variables are checked against CMIP6's units (``CFFieldCheck``); `variable_id` curates a file's own
/// name (`t2m`) as a CMIP name (`tas`), checking the units against that name.
///
/// Input frequencies: daily (and sub-daily) data average to months, years or decades; monthly data
/// to months (kept), years or decades; yearly data to years or decades. Asking for a period finer
/// than the data is an error. Every CF calendar is kept as the files have it.
///
/// The files live under `root` (a directory outside the cache, digested into the key) or in the files
/// directory of an upstream object (input `tree`, e.g. files a node wrote).
///
/// The output is the object `climate.curate` writes (``ClimateFieldObject``), so the nodes
/// downstream (regrid weights, regrid, forcings, shards, evaluation, export) take either.
public struct ClimateFiles: NodeKind {
    /// Kind name.
    public static let name = "climate.files"
    /// Implementation version.
    public static let version = 1
    /// User files go to netCDF-C and HDF5, which a corrupt file can crash: run in its own process (as climate.curate).
    public static let runsInOwnProcess = true
    /// Summary.
    public static let summary = "Curate one dataset from explicit files or globs (any names, not a CMIP6 DRS tree): join in time strictly, decode, aggregate with calendar weights."
    /// Output schema: the curated field, as climate.curate writes it.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.curatedField)
    /// Params.
    public struct Params: ParamSet {
        @Param("root", doc: "directory holding the files (its content digest is part of the key); `files` are relative to it; omit when `tree` is wired")
        public var root: ParamPath? = nil
        @Param("subdirectory", doc: "with `tree`: the folder inside the upstream files directory that `files` are relative to")
        public var subdirectory = ""
        @Param("files", .count(1...100_000),
               doc: "file names or glob patterns (*, ?, [..]; matched against paths relative to root), each matching at least one file")
        public var files: [String]
        @Param("variable", doc: "variable to read (empty: each file's variable_id, else its only data variable)")
        public var variable = ""
        @Param("variable_id",
               doc: "name to curate it as, e.g. tas for a file's t2m (empty: its name in the files); its units are checked against this name's CMIP6 units")
        public var variableID = ""
        @Param("source_id", doc: "model (empty: the files' global attribute source_id)")
        public var sourceID = ""
        @Param("experiment", doc: "experiment (empty: the files' experiment_id)")
        public var experiment = ""
        @Param("member", doc: "member (empty: the files' variant_label or member_id)")
        public var member = ""
        @Param("table", doc: "table (empty: the files' table_id, else from the data's frequency: Amon, day, Ayr)")
        public var table = ""
        @Param("period", doc: "none, month, year or decade (not finer than the data)")
        var period: TimeCuration.Period = .month
        @ParamGroup
        var settings: CurationSettings

        /// The declarations.
        public init() {}
    }
    /// Inputs.
    public static let inputs = [InputSpec("tree", optional: true, doc: "an upstream object whose files directory holds the files (instead of `root`)")]
    /// Makes the kind.
    public init() {}

    /// The global attributes each facet is read from, in order of preference.
    static let facetAttributes: [(facet: String, attributes: [String])] = [
        ("source_id", ["source_id"]), ("experiment", ["experiment_id"]), ("member", ["variant_label", "member_id"]), ("table", ["table_id"]),
    ]

    /// Writes the curated field (see `ClimateFieldObject`).
    public func run(_ context: NodeContext) throws {
        let p = try context.params(Params.self)
        let root: URL
        switch (p.root, try context.optionalInput("tree")) {
        case (let path?, nil):
            root = URL(fileURLWithPath: path.path, isDirectory: true)
        case (nil, let tree?):
            guard let dir = tree.filesDirectory else {
                throw ClimateDataError(.notFound, "input `tree` (\(tree.key)) has no files directory")
            }
            let sub = p.subdirectory
            root = sub.isEmpty ? dir : dir.appendingPathComponent(sub, isDirectory: true)
        case (nil, nil): throw ClimateDataError(.invalidArgument, "climate.files needs `root` (a directory) or an input `tree`")
        default: throw ClimateDataError(.invalidArgument, "climate.files takes either `root` or an input `tree`, not both")
        }
        let paths = try Self.match(p.files, under: root)
        let variableParam = p.variable
        let options = try p.settings.readOptions()
        let curation = try p.settings.timeCuration(period: p.period)
        context.progress(0.1, "reading \(paths.count) file(s)")
        let series = CFFileSeries(files: paths, variable: variableParam.isEmpty ? nil : variableParam)
        let joined = try series.read(options: options, globals: Self.facetAttributes.flatMap(\.attributes))
        var field = joined.field
        let variableID = p.variableID
        if !variableID.isEmpty && variableID != field.variable.name {
            try CFFieldCheck.checkUnits(field.variable.units, as: variableID, file: joined.files[0], variable: field.variable.name)
            context.log("curating '\(field.variable.name)' of the files as '\(variableID)'")
            field.variable.name = variableID
        }
        func relative(_ path: String) -> String { CatalogRoot.relative(path, to: root.path) }

        // Facets: the params, else the files' global attributes (which must agree).
        var facets: [String: String] = [:]
        let givenFacets = ["source_id": p.sourceID, "experiment": p.experiment, "member": p.member, "table": p.table]
        for (facet, attributes) in Self.facetAttributes {
            let given = givenFacets[facet] ?? ""
            if !given.isEmpty { facets[facet] = given; continue }
            var found: (value: String, file: String)? = nil
            for attribute in attributes {
                for (k, value) in (joined.globals[attribute] ?? []).enumerated() {
                    guard let value, !value.isEmpty else { continue }
                    if let f = found, f.value != value {
                        throw ClimateDataError(.mismatch, "global attribute \(attribute) is '\(value)' here and '\(f.value)' in \(f.file); set the param \(facet) or list the files of one dataset only", file: joined.files[k])
                    }
                    found = (value, joined.files[k])
                }
                if found != nil { break }
            }
            if let found {
                facets[facet] = found.value
            } else if facet == "table" {
                facets[facet] = joined.frequency.defaultTable
            } else {
                throw ClimateDataError(.notFound, "no \(facet): the param \(facet) is empty and the file has no global attribute \(attributes.joined(separator: " or ")); set the param", file: joined.files[0])
            }
        }
        let id = [facets["source_id"], facets["experiment"], facets["member"], facets["table"], field.variable.name].compactMap { $0 }.joined(separator: ".")

        var summary = try joined.summary(dataset: id, sourceID: facets["source_id"] ?? "")
        try curation.apply(to: &field, summary: &summary, id: id) { context.progress($0, $1) }
        facets["period"] = curation.period
        let obj = ClimateFieldObject(field: field, facets: facets, summary: summary)
        try obj.write(to: try context.output("out"))
        context.log("\(id): \(joined.files.count) file(s) (\(joined.files.map(relative).joined(separator: ", "))), \(joined.frequency), \(summary.firstYear)–\(summary.lastYear), \(summary.calendar), \(summary.grid)")
    }

    /// The files under `root` that `patterns` name, each pattern matching at least one regular
    /// file (relative paths, `*`/`?`/`[…]` not crossing `/`), in sorted order without repeats.
    static func match(_ patterns: [String], under root: URL) throws -> [String] {
        guard !patterns.isEmpty else { throw ClimateDataError(.invalidArgument, "param files is empty: list the files (or globs) of the dataset") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ClimateDataError(.notFound, "root is not a directory", file: root.path)
        }
        var all: [String] = []
        if let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]) {
            for case let url as URL in e {
                // Regular files, and symbolic links to them (archives often link files in; the key digests the target).
                var st = stat()
                guard stat(url.path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
                all.append(CatalogRoot.relative(url.standardizedFileURL.path, to: root.standardizedFileURL.path))
            }
        }
        all.sort()
        var chosen: [String] = []
        for pattern in patterns {
            guard !pattern.hasPrefix("/"), !pattern.split(separator: "/").contains("..") else {
                throw ClimateDataError(.invalidArgument, "files entry '\(pattern)' is not inside root: give paths relative to root (its content is what the cache key covers)", file: root.path)
            }
            let hits = all.filter { fnmatch(pattern, $0, FNM_PATHNAME) == 0 }
            guard !hits.isEmpty else {
                throw ClimateDataError(.notFound, "files entry '\(pattern)' matches no file under root", file: root.path)
            }
            for h in hits where !chosen.contains(h) { chosen.append(h) }
        }
        return chosen.sorted().map { root.appendingPathComponent($0).path }
    }
}

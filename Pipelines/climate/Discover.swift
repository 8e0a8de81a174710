import ClimateData
import Foundation
import SPFEngine

/// `climate.discover`: walks a CMIP6 DRS tree and records the selected datasets (latest version
/// each, files in time order) and any issues (duplicate versions, unparsable names). The tree is
/// either a directory on disk (`root`, whose content digest is part of the key) or the files
/// directory of an upstream node (input `tree`, e.g. `climate.generate-suite`). File paths are recorded
/// relative to that root, and the root (attribute `root`) as the tree's object key or the on-disk
/// directory, so a cache moved, copied or mounted elsewhere keeps a readable catalog (version 3; version 2
/// recorded absolute paths into the cache).
public struct DiscoverCMIP6: NodeKind {
    /// Kind name.
    public static let name = "climate.discover"
    /// Implementation version.
    public static let version = 3
    /// Summary.
    public static let summary = "Find CMIP6 datasets in a DRS directory tree (selection by source_id, experiment, member, table, variable, grid)."
    /// Params.
    public struct Params: ParamSet {
        @Param("root", doc: "root of a CMIP6 tree on disk (its content digest is part of the key); omit when `tree` is wired")
        public var root: ParamPath? = nil
        @Param("subdirectory", doc: "with `tree`: the folder inside the upstream files directory to walk (e.g. CMIP6)")
        public var subdirectory = ""
        @Param("source_ids", doc: "source_id values to keep (empty: all)")
        public var sourceIDs: [String] = []
        @Param("experiments", doc: "experiment_id values (empty: all)")
        public var experiments: [String] = []
        @Param("members", doc: "member_id values (empty: all)")
        public var members: [String] = []
        @Param("tables", doc: "table_id values (empty: all)")
        public var tables: [String] = []
        @Param("variables", doc: "variable_id values (empty: all)")
        public var variables: [String] = []
        @Param("grids", doc: "grid_label values (empty: all)")
        public var grids: [String] = []

        /// The declarations.
        public init() {}
    }
    /// Output schema.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.catalog)
    /// Inputs.
    public static let inputs = [InputSpec("tree", optional: true, doc: "an upstream object whose files directory holds a DRS tree")]
    /// Makes the kind.
    public init() {}

    /// Writes attribute `datasets` (JSON list of {id, source_id, experiment, member, table, variable,
    /// grid, version, files}; files relative to the root), `root` (JSON ``CatalogRoot``) and `issues` (JSON
    /// list of strings, paths relative to the root), and int64 `file_count` [datasets].
    public func run(_ context: NodeContext) throws {
        let p = try context.params(Params.self)
        let selection = CMIP6Selection(sourceIDs: p.sourceIDs, experiments: p.experiments,
                                       members: p.members, tables: p.tables,
                                       variables: p.variables, grids: p.grids)
        let root: String
        let catalogRoot: CatalogRoot
        let tree = try context.optionalInput("tree")
        switch (p.root?.path, tree) {
        case (let path?, nil):
            root = path
            catalogRoot = .onDisk(path)
        case (nil, let t?):
            guard let dir = t.filesDirectory else {
                throw ClimateDataError(.notFound, "input `tree` (\(t.key)) has no files directory holding a CMIP6 tree")
            }
            let sub = p.subdirectory
            root = sub.isEmpty ? dir.path : dir.appendingPathComponent(sub).path
            catalogRoot = .storeObject(t.key, subdirectory: sub)
        case (nil, nil): throw ClimateDataError(.invalidArgument, "climate.discover needs `root` (a directory) or an input `tree`")
        default: throw ClimateDataError(.invalidArgument, "climate.discover takes either `root` or an input `tree`, not both")
        }
        let catalog = try CMIP6Catalog(root: root, selection: selection)
        guard !catalog.datasets.isEmpty else {
            throw ClimateDataError(.dataset, "no CMIP6 dataset under \(root) matches the selection")
        }
        let entries = catalog.datasets.map { DiscoveredDataset($0, root: root) }
        let issues = catalog.issues.map { $0.description.replacingOccurrences(of: root.hasSuffix("/") ? root : root + "/", with: "") }
        let out = try context.output("out")
        try CatalogObject.write(datasets: entries, root: catalogRoot, issues: issues,
                                fileCounts: catalog.datasets.map { Int64($0.files.count) }, to: out)
        for issue in issues { context.log(issue) }
        context.log("found \(catalog.datasets.count) dataset(s), \(catalog.datasets.reduce(0) { $0 + $1.files.count }) file(s)")
    }
}

/// One dataset as `climate.discover` records it (JSON in its `datasets` attribute).
struct DiscoveredDataset: Codable, Equatable {
    var id: String
    var sourceID: String
    var experiment: String
    var member: String
    var table: String
    var variable: String
    var grid: String
    var version: String
    var ignoredVersions: [String]
    /// Paths relative to the catalog's root (absolute in catalogs of version 2).
    var files: [String]

    /// A dataset found under `root`, its file paths made relative to it.
    init(_ d: CMIP6Dataset, root: String) {
        id = d.id; sourceID = d.sourceID; experiment = d.experiment; member = d.member; table = d.table
        variable = d.variable; grid = d.grid; version = d.version; ignoredVersions = d.ignoredVersions
        files = d.files.map { CatalogRoot.relative($0.path, to: root) }
    }

    /// Back to a dataset (file names re-parsed), relative paths resolved against `root` (absolute ones kept).
    func dataset(root: URL?) throws -> CMIP6Dataset {
        var files: [CMIP6File] = []
        for f in self.files {
            let path: String
            if f.hasPrefix("/") {
                path = f
            } else if let root {
                path = root.appendingPathComponent(f, isDirectory: false).path
            } else {
                throw ClimateDataError(.malformed, "dataset \(id): relative file path \(f) in a catalog without a root")
            }
            files.append(CMIP6File(path: path, name: try CMIP6FileName(parsing: f), version: version))
        }
        return CMIP6Dataset(id: id, version: version, files: files, ignoredVersions: ignoredVersions)
    }

    /// Reads the `datasets` attribute of a discover output.
    static func all(in object: StoredObject) throws -> [DiscoveredDataset] {
        guard let text = object.attribute(CatalogObject.Attribute.datasets) else {
            throw ClimateDataError(.malformed, "input \(object.key) is not a climate.discover output (no `datasets` attribute)")
        }
        return try JSONDecoder().decode([DiscoveredDataset].self, from: Data(text.utf8))
    }
}

import Foundation

/// An intake-esm catalogue of a CMIP-layout publication (the esmcat specification): a JSON
/// description plus a CSV of assets, one row per file, the CMIP facets as columns.
///
/// `intake.open_esm_datastore("catalog.json")` then searches by facet, and `to_dataset_dict()` opens
/// one dataset per (activity, institution, source, experiment, table, grid): the variables joined
/// (`union` over `variable_id`), the members stacked along a new `member_id` dimension
/// (`join_new`), the files of one member and variable concatenated along time (`join_existing` over
/// `time_range`). The `fx` files (areacella) form datasets of their own.
struct IntakeCatalog: Sendable, Equatable {
    /// One file of the catalogue.
    struct Asset: Sendable, Equatable {
        /// Path relative to the publication root.
        var path: String
        /// Column → value (every column but `path`).
        var facets: [String: String]
    }

    /// The CSV columns after `path`, in order: CMIP6's DRS facets, then frequency, realm, the time range and what
    /// the file emulates.
    static let columns = ["mip_era", "activity_id", "institution_id", "source_id", "experiment_id", "member_id", "table_id",
                          "variable_id", "grid_label", "version", "frequency", "realm", "time_range", "variant_label",
                          "emulated_source_id", "emulator"]
    /// What the catalogue is called (`id`).
    var id: String
    /// Its description.
    var description: String
    /// The files.
    var assets: [Asset]

    /// The JSON description; `catalogFile` is the CSV's name or path as the JSON should name it.
    func json(catalogFile: String) throws -> Data {
        let description: [String: Any] = [
            "esmcat_version": "0.1.0",
            "id": id,
            "description": self.description,
            "catalog_file": catalogFile,
            "attributes": Self.columns.map { ["column_name": $0, "vocabulary": ""] },
            "assets": ["column_name": "path", "format": "netcdf"],
            "aggregation_control": [
                "variable_column_name": "variable_id",
                "groupby_attrs": ["activity_id", "institution_id", "source_id", "experiment_id", "table_id", "grid_label"],
                "aggregations": [
                    ["type": "union", "attribute_name": "variable_id"],
                    ["type": "join_existing", "attribute_name": "time_range",
                     "options": ["dim": "time", "coords": "minimal", "compat": "override"]],
                    ["type": "join_new", "attribute_name": "member_id", "options": ["coords": "minimal", "compat": "override"]],
                ] as [[String: Any]],
            ] as [String: Any],
        ]
        return try JSONSerialization.data(withJSONObject: description, options: [.prettyPrinted, .sortedKeys])
    }

    /// The CSV; each asset's path is `pathPrefix` + its relative path (an absolute prefix for a published
    /// catalogue, empty for one read from its own directory).
    func csv(pathPrefix: String) -> Data {
        var lines = [(["path"] + Self.columns).joined(separator: ",")]
        for a in assets.sorted(by: { $0.path < $1.path }) {
            lines.append(([Self.field(pathPrefix + a.path)] + Self.columns.map { Self.field(a.facets[$0] ?? "") }).joined(separator: ","))
        }
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// One CSV field, quoted when it holds a comma, quote or line break.
    static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Writes `catalog.json` and `catalog.csv` into `directory`, the CSV's paths prefixed by `pathPrefix`.
    func write(to directory: URL, pathPrefix: String) throws {
        try csv(pathPrefix: pathPrefix).write(to: directory.appendingPathComponent("catalog.csv"))
        try json(catalogFile: "catalog.csv").write(to: directory.appendingPathComponent("catalog.json"))
    }
}

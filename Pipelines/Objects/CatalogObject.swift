import Foundation
import SPFEngine

/// The `cmip6-catalog` object `climate.discover` stores; read by `climate.curate` (through
/// ``DiscoveredDataset/all(in:)`` and ``CatalogRoot/of(_:)``).
///
/// Attributes: `datasets` (JSON list of ``DiscoveredDataset``), `root` (JSON ``CatalogRoot``: where the
/// datasets' relative paths start), `issues` (JSON list of texts). Dataset `file_count` (int64, files per dataset).
enum CatalogObject {
    /// The schema inputs declare to take this object.
    static let schema = ObjectSchema("cmip6-catalog", "datasets found in a CMIP6 DRS tree, climate.discover")

    /// Attribute names.
    enum Attribute {
        static let datasets = "datasets"
        static let root = "root"
        static let issues = "issues"
    }

    /// Dataset names.
    enum Dataset {
        static let fileCount = "file_count"
    }

    static func write(datasets: [DiscoveredDataset], root: CatalogRoot, issues: [String], fileCounts: [Int64], to out: ObjectWriter) throws {
        try out.setAttribute(Attribute.datasets, String(decoding: try ClimateFieldObject.encoder.encode(datasets), as: UTF8.self))
        try out.setAttribute(Attribute.root, try root.json())
        try out.setAttribute(Attribute.issues, String(decoding: try ClimateFieldObject.encoder.encode(issues), as: UTF8.self))
        try out.write(Dataset.fileCount, shape: [fileCounts.count], values: fileCounts)
    }
}

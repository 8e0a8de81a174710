import SPFEngine

/// The `field-export` object `climate.export` stores: CF netCDF files of curated fields and `summary.txt` in its
/// files directory.
///
/// Attributes: `files` (JSON list of file names), `report` (the curation summary text). Dataset `file_count`.
enum FieldExportObject {
    /// The schema inputs declare to take this object.
    static let schema = ObjectSchema("field-export", "CF netCDF files of curated fields, climate.export")

    /// Attribute names.
    enum Attribute {
        static let files = "files"
        static let report = "report"
    }

    /// Dataset names.
    enum Dataset {
        static let fileCount = "file_count"
    }

    /// The summary file in the files directory.
    static let summaryFile = "summary.txt"

    static func write(files: [String], report: String, to out: ObjectWriter) throws {
        try out.setAttribute(Attribute.files, String(decoding: try ClimateFieldObject.encoder.encode(files), as: UTF8.self))
        try out.setAttribute(Attribute.report, report)
        try out.write(Dataset.fileCount, shape: [1], values: [Int64(files.count)])
    }
}

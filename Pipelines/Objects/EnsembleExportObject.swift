import SPFEngine

/// The `ensemble-export` object `spf.export` stores: netCDF files of ensemble products (and, in the CMIP
/// layout, an intake catalogue) in its files directory.
///
/// Attribute `files`: JSON list of one entry per file (`file`, `source_id`, `scenario`, `timescale`,
/// `variables`, `members`, `model`, `sampling_seconds`, `seconds_per_trajectory`), also the publication's summary.
enum EnsembleExportObject {
    /// The schema inputs declare to take this object.
    static let schema = ObjectSchema("ensemble-export", "exported ensemble files, spf.export")

    /// Attribute names.
    enum Attribute {
        static let files = "files"
    }

    /// The keys of an entry of `files`.
    enum Entry {
        static let file = "file"
        static let sourceID = "source_id"
        static let scenario = "scenario"
        static let timescale = "timescale"
        static let variables = "variables"
        static let members = "members"
        static let model = "model"
        static let samplingSeconds = "sampling_seconds"
        static let secondsPerTrajectory = "seconds_per_trajectory"
    }

    /// The entry of one written file of `product` (the product's facets as `spf.export` read them).
    static func entry(file: String, product: EnsembleProduct.Stored, sourceID: String, scenario: String, timescale: String,
                      variables: String, members: Int, model: String) -> [String: String] {
        [Entry.file: file, Entry.sourceID: sourceID, Entry.scenario: scenario, Entry.timescale: timescale, Entry.variables: variables,
         Entry.members: String(members), Entry.model: model, Entry.samplingSeconds: product.samplingSecondsText ?? "",
         Entry.secondsPerTrajectory: product.secondsPerTrajectoryText ?? ""]
    }

    static func write(files: [[String: String]], to out: ObjectWriter) throws {
        try out.setAttribute(Attribute.files, try ObjectJSON.json(files))
    }
}

import SPFEngine

/// The `file-tree` object `climate.generate-suite` stores: a CMIP6 DRS tree of netCDF files in its files
/// directory, read by `climate.discover` and `climate.files` through the files.
///
/// Attributes: `runs` (JSON list of the simulated runs), `model_years`, `rcmip_source`. Datasets
/// `ebm_temperature_<source_id>_<experiment>_<variant>` (float64, the energy-balance model's yearly temperature).
enum FileTreeObject {
    /// The schema inputs declare to take this object.
    static let schema = ObjectSchema("file-tree", "a DRS tree of netCDF files, climate.generate-suite")

    /// Attribute names.
    enum Attribute {
        static let runs = "runs"
        static let modelYears = "model_years"
        static let rcmipSource = "rcmip_source"
    }

    /// Dataset names.
    enum Dataset {
        static func ebmTemperature(sourceID: String, experiment: String, variant: String) -> String {
            "ebm_temperature_\(sourceID)_\(experiment)_\(variant)"
        }
    }
}

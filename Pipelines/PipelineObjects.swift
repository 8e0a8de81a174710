import SPFEngine

/// The schemas of the objects Pipelines' kinds pass each other. Every production kind declares the
/// schema of its output and the schemas each input takes, so `spfflow plan` refuses a wire between
/// kinds that do not fit (a merge node fed a training output) before anything runs.
public enum PipelineObjects {
    /// The datasets of a CMIP6 DRS tree (`climate.discover`).
    public static let catalog = ObjectSchema("cmip6-catalog", "datasets found in a CMIP6 DRS tree, climate.discover")
    /// A directory of CMIP6-named netCDF files (`climate.generate-suite`).
    public static let fileTree = ObjectSchema("file-tree", "a DRS tree of netCDF files, climate.generate-suite")
    /// One variable of one dataset, curated (`climate.curate`, `climate.files`) or regridded (`climate.regrid`).
    public static let curatedField = ObjectSchema("curated-field", "one variable of one dataset, climate.curate, climate.files or climate.regrid")
    /// Remapping weights from a source grid to a target grid (`climate.regrid-weights`).
    public static let regridWeights = ObjectSchema("regrid-weights", "remapping weights, climate.regrid-weights")
    /// Forcing series aligned to a dataset's time axis (`climate.align-forcings`).
    public static let alignedForcing = ObjectSchema("aligned-forcing", "forcing series on a time axis, climate.align-forcings")
    /// CF netCDF files of curated fields (`climate.export`).
    public static let fieldExport = ObjectSchema("field-export", "CF netCDF files of curated fields, climate.export")
    /// Training windows of one ESM (`spf.shards`).
    public static let shardSet = ObjectSchema("shard-set", "training windows of one ESM, spf.shards")
    /// Normalisation statistics (`spf.norm-stats`).
    public static let normaliser = ObjectSchema("normaliser", "normalisation statistics, spf.norm-stats")
    /// A trained emulator (`spf.train`, `spf.load-model`).
    public static let trainedModel = ObjectSchema("trained-model", "a trained emulator, spf.train or spf.load-model")
    /// A pyramid stage's end state for a block of members (`spf.stage`).
    public static let samplerState = ObjectSchema("sampler-state", "a pyramid stage's end state, spf.stage")
    /// An emulated ensemble at one timescale (`spf.merge`, `spf.sample-baseline`).
    public static let ensembleProduct = ObjectSchema("ensemble-product", "an emulated ensemble, spf.merge or spf.sample-baseline")
    /// Exported (and published) ensemble files (`spf.export`).
    public static let ensembleExport = ObjectSchema("ensemble-export", "exported ensemble files, spf.export")
    /// Skill scores of products against held-out truth (`eval.evaluate`).
    public static let evaluation = ObjectSchema("evaluation", "skill scores, eval.evaluate")
    /// The HTML report (`eval.report`).
    public static let report = ObjectSchema("report", "the HTML report, eval.report")

    /// The schemas of `out` for a kind whose output is `schema`.
    static func out(_ schema: ObjectSchema) -> [String: ObjectSchema] { ["out": schema] }
}

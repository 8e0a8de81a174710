import SPFEngine

/// The schemas of the objects Pipelines' kinds pass each other. Every production kind declares the
/// schema of its output and the schemas each input takes, so `spfflow plan` refuses a wire between
/// kinds that do not fit (a merge node fed a training output) before anything runs.
///
/// Each schema is declared by the type in `Pipelines/Objects/` that writes and reads that object, with the
/// object's attribute and dataset names; the kinds call those types and name no attribute or dataset.
public enum PipelineObjects {
    /// The datasets of a CMIP6 DRS tree (`climate.discover`).
    public static let catalog = CatalogObject.schema
    /// A directory of CMIP6-named netCDF files (`climate.generate-suite`).
    public static let fileTree = FileTreeObject.schema
    /// One variable of one dataset, curated (`climate.curate`, `climate.files`) or regridded (`climate.regrid`).
    public static let curatedField = ClimateFieldObject.schema
    /// Remapping weights from a source grid to a target grid (`climate.regrid-weights`).
    public static let regridWeights = RegridWeightsObject.schema
    /// Forcing series aligned to a dataset's time axis (`climate.align-forcings`).
    public static let alignedForcing = AlignedForcingObject.schema
    /// CF netCDF files of curated fields (`climate.export`).
    public static let fieldExport = FieldExportObject.schema
    /// Training windows of one ESM (`spf.shards`).
    public static let shardSet = ShardSetObject.schema
    /// Normalisation statistics (`spf.norm-stats`).
    public static let normaliser = NormaliserObject.schema
    /// A trained emulator (`spf.train`, `spf.load-model`).
    public static let trainedModel = TrainedModelObject.schema
    /// A pyramid stage's end state for a block of members (`spf.stage`).
    public static let samplerState = SamplerStateObject.schema
    /// An emulated ensemble at one timescale (`spf.merge`, `spf.sample-baseline`).
    public static let ensembleProduct = EnsembleProduct.schema
    /// Exported (and published) ensemble files (`spf.export`).
    public static let ensembleExport = EnsembleExportObject.schema
    /// Skill scores of products against held-out truth (`eval.evaluate`).
    public static let evaluation = EvaluationObject.schema
    /// The HTML report (`eval.report`).
    public static let report = ReportObject.schema

    /// The schemas of `out` for a kind whose output is `schema`.
    static func out(_ schema: ObjectSchema) -> [String: ObjectSchema] { ["out": schema] }
}

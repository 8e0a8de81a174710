import SPFEngine

/// What a sampling node emulates: one ESM under one scenario over a period of years. The params `spf.stage` and
/// `spf.sample-baseline` share, included whole by both (`@ParamGroup`), at the same level of `params:`.
public struct SampledRun: ParamSet {
    @Param("source_id", doc: "ESM to emulate (one of the model's sources)")
    public var sourceID: String
    @Param("scenario", doc: "scenario label (the forcing input supplies the numbers)")
    public var scenario: String
    @Param("start_year", doc: "first year of the period")
    public var startYear: Int
    @Param("years", .atLeast(1), doc: "years in the period")
    public var years: Int

    /// The declarations.
    public init() {}
}

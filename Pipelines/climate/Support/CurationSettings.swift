import ClimateData
import SPFEngine

/// The params `climate.curate` and `climate.files` share: which vertical level to read, which years to keep and how
/// complete a period must be. Both kinds include them whole (`@ParamGroup`), at the same level of `params:`.
struct CurationSettings: ParamSet {
    @Param("level", doc: "vertical level for 4-D variables, e.g. '850 hPa' (empty: none)")
    var level = ""
    @Param("min_coverage", .range(min: 0, max: 1), doc: "drop periods with less than this fraction covered")
    var minCoverage = 1.0
    @Param("start_year", doc: "first year to keep (0: from the start)")
    var startYear = 0
    @Param("end_year", doc: "last year to keep (0: to the end)")
    var endYear = 0

    /// The declarations.
    init() {}

    /// The read options of `level` (none when empty).
    func readOptions() throws -> CFReadOptions {
        CFReadOptions(level: level.isEmpty ? nil : try VerticalSelection(parsing: level))
    }

    /// The time curation of these years and coverage, averaging to `period`.
    func timeCuration(period: TimeCuration.Period) throws -> TimeCuration {
        try TimeCuration(startYear: startYear, endYear: endYear, period: period.rawValue, minCoverage: minCoverage)
    }
}

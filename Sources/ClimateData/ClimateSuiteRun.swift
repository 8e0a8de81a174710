/// One generated simulation: monthly `tas` (K) and `pr` (kg m-2 s-1) of one model, experiment
/// and member, plus the energy-balance temperatures that drove it.
public struct ClimateSuiteRun: Sendable {
    /// The model.
    public var model: ClimateSuiteModel
    /// Experiment id.
    public var experiment: String
    /// Member number (1-based).
    public var member: Int
    /// First year (January).
    public var firstYear: Int
    /// Last year (December).
    public var lastYear: Int
    /// The grid.
    public var grid: SimulatorGrid
    /// Near-surface air temperature, K, shape [months, nlat, nlon].
    public var tas: [Float]
    /// Precipitation flux, kg m-2 s-1, shape [months, nlat, nlon].
    public var pr: [Float]
    /// Energy-balance upper-layer temperature anomaly per month, K, shape [months].
    public var globalTemperature: [Double]
    /// Energy-balance deep-ocean temperature anomaly per month, K, shape [months].
    public var deepTemperature: [Double]
    /// Effective radiative forcing driving the energy balance per month, W m-2, shape [months].
    public var forcing: [Double]

    /// Number of months.
    public var months: Int { (lastYear - firstYear + 1) * 12 }
    /// The CMIP6 variant label, e.g. `r2i1p1f1`.
    public var variantLabel: String { model.variantLabel(member: member) }
    /// CMIP6 activity of the experiment.
    public var activity: String { ClimateSuiteRun.activity(of: experiment) }

    /// CMIP6 activity_id of an experiment: CMIP (historical), ScenarioMIP (ssp…), GeoMIP (G6sulfur).
    public static func activity(of experiment: String) -> String {
        if experiment == "historical" { return "CMIP" }
        if experiment == SAIInjection.g6sulfur.experiment { return SAIInjection.g6sulfur.activity }
        return "ScenarioMIP"
    }

    /// The field of `variable` ("tas" or "pr") for month index `t` (shape [nlat, nlon]).
    public func field(_ variable: String, month t: Int) -> ArraySlice<Float> {
        let n = grid.cellCount
        return (variable == "pr" ? pr : tas)[(t * n)..<((t + 1) * n)]
    }
}

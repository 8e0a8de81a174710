/// The metrics a skill table holds.
public enum SkillMetric: String, Sendable, CaseIterable, Codable, Comparable {
    /// Fair CRPS (lower is better).
    case crps
    /// CRPS divided by the floor's CRPS for the same ESM, variable, timescale and period.
    case crpsOverFloor = "crps_x_floor"
    /// RMSE of the ensemble mean.
    case rmse
    /// Mean error of the ensemble mean (signed).
    case bias
    /// Ensemble spread (standard deviation).
    case spread
    /// Spread–skill ratio with the finite-ensemble correction sqrt((M+1)/M).
    case spreadSkill = "spread_skill"
    /// ClimateBench NRMSE of the time-mean map.
    case nrmseSpatial = "nrmse_spatial"
    /// ClimateBench NRMSE of the global-mean series.
    case nrmseGlobal = "nrmse_global"
    /// ClimateBench total, NRMSE_spatial + 5·NRMSE_global.
    case nrmseTotal = "nrmse_total"

    /// Table order.
    public static func < (a: SkillMetric, b: SkillMetric) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }

    /// Column heading.
    public var heading: String {
        switch self {
        case .crps: "CRPS"
        case .crpsOverFloor: "CRPS ×floor"
        case .rmse: "RMSE"
        case .bias: "Bias"
        case .spread: "Spread"
        case .spreadSkill: "Spread/skill"
        case .nrmseSpatial: "NRMSE_s"
        case .nrmseGlobal: "NRMSE_g"
        case .nrmseTotal: "NRMSE total"
        }
    }

    /// Whether the metric carries the variable's physical unit (others are dimensionless).
    public var hasUnit: Bool { [.crps, .rmse, .bias, .spread].contains(self) }
}

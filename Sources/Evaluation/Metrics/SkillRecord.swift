/// One number of a skill table: (ESM, model, variable, timescale, period, metric) → value.
public struct SkillRecord: Sendable, Equatable, Codable {
    /// The ESM the scores are for, or ``SkillRecord/allESMs`` for the average over ESMs.
    public var esm: String
    /// Model identifier, e.g. `spf`, `pattern_scaling`, `floor` (used in figure names).
    public var model: String
    /// Variable name, e.g. `tas`.
    public var variable: String
    /// Timescale the fields were scored at.
    public var timescale: Timescale
    /// Period label, e.g. `2015-2100`.
    public var period: String
    /// Which metric.
    public var metric: SkillMetric
    /// The value.
    public var value: Double

    /// The ESM label of records averaged over ESMs.
    public static let allESMs = "mean"

    /// Creates a record.
    public init(esm: String, model: String, variable: String, timescale: Timescale, period: String,
                metric: SkillMetric, value: Double) {
        self.esm = esm
        self.model = model
        self.variable = variable
        self.timescale = timescale
        self.period = period
        self.metric = metric
        self.value = value
    }
}

/// One ESM run as plain arrays: monthly output fields and aligned monthly forcings (physical units).
public struct TrainingRun: Sendable {
    /// Source-model (ESM) index.
    public var source: Int
    /// Label (model/scenario/member), informational.
    public var label: String
    /// Calendar year of the first month (January).
    public var startYear: Int
    /// Number of months.
    public var months: Int
    /// Output fields [months, C, H, W].
    public var fields: [Float]
    /// Forcings aligned with the same months.
    public var forcing: ForcingSeries

    /// Creates a run and checks that fields and forcing cover the same months.
    public init(source: Int, label: String, startYear: Int, months: Int, channels: Int, height: Int, width: Int,
                fields: [Float], forcing: ForcingSeries) throws {
        guard fields.count == months * channels * height * width else {
            throw SPFModelError(.shapeMismatch, "run \(label): fields have \(fields.count) values, expected [\(months), \(channels), \(height), \(width)]")
        }
        guard forcing.startYear == startYear, forcing.months == months else {
            throw SPFModelError(.shapeMismatch, "run \(label): forcing covers \(forcing.startYear)+\(forcing.months) months, fields \(startYear)+\(months)")
        }
        self.source = source
        self.label = label
        self.startYear = startYear
        self.months = months
        self.fields = fields
        self.forcing = forcing
    }

    /// Absolute month index of the first month.
    public var firstMonth: Int { startYear * 12 }
}

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
    /// Output fields [months, C, H, W] (empty when they stream through `reader`).
    public var fields: [Float]
    /// Where the fields are read from on demand (nil: they are `fields`).
    public var reader: (any RunFieldReader)?
    /// Values per month (C·H·W).
    public private(set) var frameValues: Int
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
        self.frameValues = channels * height * width
    }

    /// Creates a run whose fields stream from `reader` (nothing is read here).
    public init(source: Int, label: String, startYear: Int, months: Int, channels: Int, height: Int, width: Int,
                reader: any RunFieldReader, forcing: ForcingSeries) throws {
        guard forcing.startYear == startYear, forcing.months == months else {
            throw SPFModelError(.shapeMismatch, "run \(label): forcing covers \(forcing.startYear)+\(forcing.months) months, fields \(startYear)+\(months)")
        }
        guard reader.blockMonths >= 1 else { throw SPFModelError(.invalidData, "run \(label): reader blocks of \(reader.blockMonths) months") }
        self.source = source
        self.label = label
        self.startYear = startYear
        self.months = months
        self.fields = []
        self.reader = reader
        self.forcing = forcing
        self.frameValues = channels * height * width
    }

    /// Whether the fields stream from a reader (not held in `fields`).
    public var streams: Bool { reader != nil }

    /// The physical fields of months `range` (counted from the first month), [range.count, C, H, W].
    public func readMonths(_ range: Range<Int>) throws -> [Float] {
        guard range.lowerBound >= 0, range.upperBound <= months else {
            throw SPFModelError(.invalidData, "run \(label): months \(range) outside its \(months)")
        }
        if let reader {
            let values = try reader.readMonths(range)
            guard values.count == range.count * frameValues else {
                throw SPFModelError(.shapeMismatch, "run \(label): months \(range) read as \(values.count) values, expected \(range.count * frameValues)")
            }
            return values
        }
        return Array(fields[(range.lowerBound * frameValues)..<(range.upperBound * frameValues)])
    }

    /// Absolute month index of the first month.
    public var firstMonth: Int { startYear * 12 }
}

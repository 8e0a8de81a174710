import ClimateData
import SPFEngine

/// A curated field's frames on the month grid the emulator's stores use (whole months from a January
/// or a given month): monthly data as they are, yearly data with each year's mean held over its twelve
/// months, so every month-indexed reader (training windows, normalisation, baselines, truth) averages a
/// year back to exactly the year's value. Yearly data never yield monthly scores or a monthly stage
/// (`timescale` says which the data resolve).
package struct MonthlyFrames {
    /// Calendar year of the first frame.
    var startYear: Int
    /// Month (1–12) of the first frame.
    var startMonth: Int
    /// Number of months.
    var months: Int
    /// `[months, plane]`.
    var values: [Float]
    /// The finest timescale the data resolve: monthly or yearly.
    var timescale: DataTimescale

    /// What a curated field resolves in time.
    package enum DataTimescale: String, Codable, Sendable {
        case monthly, yearly
        /// Frames per year in the stored (compact) form.
        var framesPerYear: Int { self == .yearly ? 1 : 12 }
    }

    /// The frequency of a curated field: yearly (one step per year) or monthly; anything else is an error naming `what`.
    static func timescale(of time: TimeAxis, what: String, node: String) throws -> DataTimescale {
        let frequency = try TimeStepFrequency(of: time)
        switch frequency {
        case .monthly: return .monthly
        case .yearly: return .yearly
        case .unknown:
            // One step without bounds: a single month is the old default.
            return .monthly
        default:
            throw EngineError(.nodeFailed, "\(what): the data are \(frequency); the emulator takes monthly or yearly means "
                              + "(curate with period: month or period: year)", node: node)
        }
    }

    /// The field's frames, yearly data expanded to months.
    static func of(_ field: CFField, what: String, node: String) throws -> MonthlyFrames {
        guard let time = field.time, let first = try time.dates().first else {
            throw EngineError(.nodeFailed, "\(what): no time axis", node: node)
        }
        let timescale = try Self.timescale(of: time, what: what, node: node)
        let plane = field.grid.nlat * field.grid.nlon
        switch timescale {
        case .monthly:
            return MonthlyFrames(startYear: first.year, startMonth: first.month, months: time.count, values: field.values, timescale: .monthly)
        case .yearly:
            let years = try time.dates().map(\.year)
            for k in 1..<max(years.count, 1) where years[k] != years[k - 1] + 1 {
                throw EngineError(.nodeFailed, "\(what): yearly frames \(years[k - 1]) and \(years[k]) are not consecutive years", node: node)
            }
            return MonthlyFrames(startYear: first.year, startMonth: 1, months: years.count * 12,
                                 values: expand(field.values, plane: plane, frames: years.count), timescale: .yearly)
        }
    }

    /// `[years, plane]` → `[years · 12, plane]`, each year's frame repeated for its twelve months.
    static func expand(_ yearly: [Float], plane: Int, frames: Int) -> [Float] {
        var out = [Float](repeating: 0, count: frames * 12 * plane)
        for y in 0..<frames {
            let src = yearly[(y * plane)..<((y + 1) * plane)]
            for m in 0..<12 { out.replaceSubrange(((y * 12 + m) * plane)..<((y * 12 + m + 1) * plane), with: src) }
        }
        return out
    }
}

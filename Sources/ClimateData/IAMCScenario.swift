/// One scenario (one region) of an IAMC scenario file: its rows by variable, read with unit conversion and
/// RCMIP's linear interpolation in years between the file's columns.
public struct IAMCScenario: Sendable {
    /// The file, for messages.
    public var source: String
    /// Scenario name as in the file.
    public var name: String
    /// Region.
    public var region: String
    /// Rows by variable.
    public var rows: [String: IAMCScenarioFile.Row]

    /// Whether the scenario has `variable`.
    public func has(_ variable: String) -> Bool { rows[variable] != nil }

    /// The first line of the scenario's rows (for messages about a variable it lacks).
    var firstLine: Int { rows.values.map(\.line).min() ?? 0 }

    /// The known values of `variable` converted to `unit`: (year, value) pairs, ascending. Throws `missingSeries`
    /// when the scenario lacks the variable, `unknownUnit` when its unit cannot be converted, naming file, line
    /// and variable.
    public func points(_ variable: String, unit: String) throws(ForcingError) -> [(year: Int, value: Double)] {
        guard let row = rows[variable] else {
            let known = rows.keys.sorted().joined(separator: ", ")
            throw ForcingError(.missingSeries,
                               "\(source) line \(firstLine): scenario '\(name)' (region \(region)) has no row for variable '\(variable)'; it has: \(known)")
        }
        guard let factor = EmissionUnit.factor(from: row.unit, to: unit) else {
            throw ForcingError(.unknownUnit, "\(source) line \(row.line): variable '\(variable)' has unit '\(row.unit)', which cannot be converted to '\(unit)'")
        }
        guard !row.years.isEmpty else {
            throw ForcingError(.yearGap, "\(source) line \(row.line): variable '\(variable)' has no values")
        }
        return zip(row.years, row.values).map { ($0, $1 * factor) }
    }

    /// Annual values of `variable` in `unit` for `first...last`, linearly interpolated in years between the
    /// file's values (as RCMIP specifies, and FaIR does). Throws `yearGap` when a requested year lies outside
    /// the file's years or between two values more than `maxGap` years apart.
    public func annual(_ variable: String, unit: String, from first: Int, through last: Int, maxGap: Int = 10) throws(ForcingError) -> [Double] {
        let known = try points(variable, unit: unit)
        let line = rows[variable]?.line ?? 0
        return try Self.interpolate(known, from: first, through: last, maxGap: maxGap) { (message: String) in
            ForcingError(.yearGap, "\(source) line \(line): variable '\(variable)': \(message)")
        }
    }

    /// Linear interpolation of `known` (ascending years) onto `first...last`; `error` words a gap.
    static func interpolate(_ known: [(year: Int, value: Double)], from first: Int, through last: Int, maxGap: Int,
                            error: (String) -> ForcingError) throws(ForcingError) -> [Double] {
        guard first <= last else { return [] }
        guard let lo = known.first, let hi = known.last, lo.year <= first, hi.year >= last else {
            let range = known.isEmpty ? "no values" : "values for \(known[0].year)...\(known[known.count - 1].year)"
            throw error("years \(first)...\(last) are needed, the file has \(range)")
        }
        var out: [Double] = []
        out.reserveCapacity(last - first + 1)
        var k = 0
        for y in first...last {
            while k + 1 < known.count && known[k + 1].year <= y { k += 1 }
            let (y0, v0) = known[k]
            if y0 == y || k + 1 >= known.count { out.append(v0); continue }
            let (y1, v1) = known[k + 1]
            guard y1 - y0 <= maxGap else {
                throw error("no value between \(y0) and \(y1) (\(y1 - y0) years apart; at most \(maxGap) are interpolated)")
            }
            out.append(v0 + Double(y - y0) / Double(y1 - y0) * (v1 - v0))
        }
        return out
    }
}

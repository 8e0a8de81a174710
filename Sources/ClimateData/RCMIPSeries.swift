/// One row of an RCMIP file: a global (or regional) annual series of one variable in one
/// scenario. `values[k]` belongs to `years[k]`; `nil` marks an empty field (missing).
public struct RCMIPSeries: Sendable, Equatable {
    /// Integrated assessment model that produced the scenario (e.g. "MESSAGE-GLOBIOM").
    public var model: String
    /// Scenario name as written in the file (e.g. "ssp245").
    public var scenario: String
    /// Region (RCMIP SSP files: always "World").
    public var region: String
    /// Variable path, e.g. "Emissions|CO2" or "Effective Radiative Forcing|Anthropogenic|Aerosols".
    public var variable: String
    /// Unit string as written, e.g. "Mt CO2/yr" or "W/m^2".
    public var unit: String
    /// Year of each column, ascending.
    public var years: [Int]
    /// Value of each column; `nil` where the field was empty. Same count as `years`.
    public var values: [Double?]

    /// Creates a series; `years` must be ascending and as long as `values`.
    public init(model: String, scenario: String, region: String, variable: String, unit: String,
                years: [Int], values: [Double?]) {
        self.model = model
        self.scenario = scenario
        self.region = region
        self.variable = variable
        self.unit = unit
        self.years = years
        self.values = values
    }

    /// Years that carry a value.
    public var knownYears: [Int] { zip(years, values).compactMap { $0.1 == nil ? nil : $0.0 } }

    /// The value in `year`, linearly interpolated between the nearest known years around it
    /// (RCMIP emissions are annual to 2015 and then every 10 years; FaIR interpolates the same
    /// way). Throws `missingYears` outside the known range.
    public func value(in year: Int) throws(ForcingError) -> Double {
        try annual(from: year, through: year)[0]
    }

    /// Annual values for `first...last` (inclusive), linearly interpolated in years across
    /// missing fields. Throws `missingYears` when a year lies outside the known range.
    public func annual(from first: Int, through last: Int) throws(ForcingError) -> [Double] {
        guard first <= last else { return [] }
        let known = zip(years, values).compactMap { pair -> (Int, Double)? in
            guard let v = pair.1 else { return nil }
            return (pair.0, v)
        }
        guard let lo = known.first, let hi = known.last, lo.0 <= first, hi.0 >= last else {
            let range = known.isEmpty ? "no values" : "values for \(known[0].0)...\(known[known.count - 1].0)"
            throw ForcingError(.missingYears,
                               "\(scenario) \(variable): years \(first)...\(last) requested, series has \(range)")
        }
        var out = [Double]()
        out.reserveCapacity(last - first + 1)
        // Index of the last known point with year <= y; advances monotonically.
        var k = 0
        for y in first...last {
            while k + 1 < known.count && known[k + 1].0 <= y { k += 1 }
            let (y0, v0) = known[k]
            if y0 == y || k + 1 >= known.count {
                out.append(v0)
            } else {
                let (y1, v1) = known[k + 1]
                let w = Double(y - y0) / Double(y1 - y0)
                out.append(v0 + w * (v1 - v0))
            }
        }
        return out
    }
}

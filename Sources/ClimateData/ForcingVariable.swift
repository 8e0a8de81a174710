/// One entry of a forcing set: a named global series derived from RCMIP data (or from the
/// SAI injection definition), with its unit.
public struct ForcingVariable: Sendable, Hashable {
    /// How the series is computed.
    public enum Source: Sendable, Hashable {
        /// Cumulative sum of an annual RCMIP emission series from `since` (inclusive), times `scale`.
        /// The annual value of year y is the mid-year cumulative sum (through y−1 plus half of y),
        /// which is exactly the calendar-weighted mean of the monthly values.
        case cumulative(variable: String, since: Int, scale: Double)
        /// An RCMIP series (emissions interpolated to annual values), times `scale`.
        case series(variable: String, scale: Double)
        /// Stratospheric aerosol optical depth of the SAI experiment (zero in other experiments).
        case saiAOD
        /// The forcing's slow memory: an exponentially weighted running mean of an annual RCMIP series from `since`
        /// (zero before), `S(y) = a S(y−1) + (1 − a) x(y)` with `a = exp(−1 / timescale)` (years), times `scale`.
        /// A linear deep ocean with that time constant warms in proportion to it, which the current forcing alone
        /// cannot tell (two scenarios reach the same forcing with different histories).
        case smoothed(variable: String, since: Int, timescale: Double, scale: Double)
    }

    /// Name used in outputs and manifests (e.g. "co2_cumulative").
    public var name: String
    /// Unit of the values (e.g. "GtCO2").
    public var units: String
    /// Derivation.
    public var source: Source

    /// Creates a forcing variable.
    public init(name: String, units: String, source: Source) {
        self.name = name
        self.units = units
        self.source = source
    }

    /// Whether the monthly value rises through the year (a cumulative sum) rather than being
    /// the annual rate in every month.
    public var isCumulative: Bool {
        if case .cumulative = source { return true }
        return false
    }

    /// Cumulative anthropogenic CO2 emissions since 1850 (fossil + AFOLU), GtCO2 (ClimateBench "CO2").
    public static let co2Cumulative = ForcingVariable(
        name: "co2_cumulative", units: "GtCO2", source: .cumulative(variable: "Emissions|CO2", since: 1850, scale: 1e-3))
    /// Global CH4 emissions, Mt CH4/yr (ClimateBench "CH4").
    public static let ch4 = ForcingVariable(name: "ch4", units: "Mt CH4/yr", source: .series(variable: "Emissions|CH4", scale: 1))
    /// Global SO2 (RCMIP "Sulfur") emissions, Mt SO2/yr (ClimateBench "SO2", here a global total).
    public static let so2 = ForcingVariable(name: "so2", units: "Mt SO2/yr", source: .series(variable: "Emissions|Sulfur", scale: 1))
    /// Global black-carbon emissions, Mt BC/yr (ClimateBench "BC", here a global total).
    public static let bc = ForcingVariable(name: "bc", units: "Mt BC/yr", source: .series(variable: "Emissions|BC", scale: 1))
    /// Stratospheric aerosol optical depth at 550 nm injected in the SAI experiment (1).
    public static let aod = ForcingVariable(name: "aod", units: "1", source: .saiAOD)
    /// Total effective radiative forcing, W m-2 (not in the default set; available by name).
    public static let erf = ForcingVariable(
        name: "erf", units: "W m-2", source: .series(variable: "Effective Radiative Forcing", scale: 1))

    /// The slow memory of the total effective radiative forcing: its 200-year exponentially weighted running mean
    /// since 1750, W m-2 (not in the default set; available by name). A proxy for the deep-ocean warming behind the
    /// slow "pattern effect" (Southern Ocean and sea-ice regions catching up long after the forcing).
    public static let erfSlow = ForcingVariable(
        name: "erf_slow", units: "W m-2",
        source: .smoothed(variable: "Effective Radiative Forcing", since: 1750, timescale: 200, scale: 1))

    /// Looks up a variable by manifest name: `co2_cumulative`, `ch4`, `so2`, `bc`, `aod`, `erf`, `erf_slow`,
    /// or `rcmip:<Variable>` for any RCMIP series as-is.
    public static func named(_ name: String) throws(ForcingError) -> ForcingVariable {
        let known: [ForcingVariable] = [.co2Cumulative, .ch4, .so2, .bc, .aod, .erf, .erfSlow]
        if let v = known.first(where: { $0.name == name }) { return v }
        if name.hasPrefix("rcmip:") {
            let variable = String(name.dropFirst("rcmip:".count))
            guard !variable.isEmpty else { throw ForcingError(.badSpecification, "forcing '\(name)': empty RCMIP variable") }
            return ForcingVariable(name: name, units: "", source: .series(variable: variable, scale: 1))
        }
        throw ForcingError(.badSpecification,
                           "unknown forcing '\(name)' (known: \(known.map(\.name).joined(separator: ", ")), rcmip:<Variable>)")
    }
}

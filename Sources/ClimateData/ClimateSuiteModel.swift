/// One simulated ESM of the ClimateSuite: its CMIP6 identity (source_id, institution, calendar
/// as the real model writes it, native grid, time units, file chunking, variant label), the
/// parameters of its two-layer energy balance, and the parameters of every term of its field
/// model (see `ClimateSuiteFieldModel` for the equations they enter).
public struct ClimateSuiteModel: Sendable, Hashable {
    /// CMIP6 source_id, e.g. "CESM2".
    public var sourceID: String
    /// CMIP6 institution_id, e.g. "NCAR".
    public var institution: String
    /// CF calendar attribute as the real model writes it (io-notes §4), e.g. "365_day".
    public var calendar: String
    /// CMIP6 grid_label ("gn", "gr", "gr1").
    public var gridLabel: String
    /// Latitude placement of the native grid.
    public var gridKind: SimulatorGrid.Kind
    /// Native number of latitudes.
    public var nativeLatitudes: Int
    /// Native number of longitudes.
    public var nativeLongitudes: Int
    /// First longitude in units of the longitude spacing (0 or 0.5).
    public var longitudeOffset: Double
    /// Free-text grid description written to the `grid` attribute.
    public var gridDescription: String
    /// Time units of historical files.
    public var historicalTimeUnits: String
    /// Time units of scenario files.
    public var scenarioTimeUnits: String
    /// Forcing index of the variant label (f1, or f2 for UKESM1-0-LL).
    public var forcingIndex: Int
    /// How historical output is split into files.
    public var historicalChunk: ClimateSuiteFileChunking
    /// How scenario output is split into files.
    public var scenarioChunk: ClimateSuiteFileChunking
    /// Version directory date, `vYYYYMMDD`.
    public var version: String
    /// Two-layer energy balance (ECS, heat capacities, exchange, efficacy).
    public var energyBalance: EnergyBalanceParameters
    /// Parameters of the spatial field model.
    public var fields: ClimateSuiteFieldParameters

    /// Equilibrium climate sensitivity, K.
    public var ecs: Double { energyBalance.ecs }

    /// The variant label of member `n` (1-based): `r<n>i1p1f<forcingIndex>`.
    public func variantLabel(member n: Int) -> String { "r\(n)i1p1f\(forcingIndex)" }

    /// The simulator grid at `scale` (1 = native; 0.25 = a quarter of the cells per axis),
    /// keeping the native latitude placement (Gaussian latitude counts stay even).
    public func grid(scale: Double) throws(SimulatorError) -> SimulatorGrid {
        guard scale > 0 && scale <= 1 else {
            throw SimulatorError(.badParameter, "\(sourceID): grid scale \(scale) must be in (0, 1]")
        }
        var nlat = max(8, Int((Double(nativeLatitudes) * scale).rounded()))
        if gridKind == .gaussian && nlat % 2 != 0 { nlat += 1 }
        let nlon = max(8, Int((Double(nativeLongitudes) * scale).rounded()))
        return try SimulatorGrid(kind: gridKind, nlat: nlat, nlon: nlon, longitudeOffset: longitudeOffset)
    }
}

/// How a model splits a run into files: a new file starts in every year y with
/// (y − anchor) divisible by `years` (e.g. CESM2 historical: 50 years from 1850 gives
/// 1850–1899, 1900–1949, 1950–1999, 2000–2014; NorESM2-LM scenarios: 10 years anchored at 2021
/// gives 2015–2020, 2021–2030, …).
public struct ClimateSuiteFileChunking: Sendable, Hashable {
    /// Years per full file.
    public var years: Int
    /// A year in which a file starts.
    public var anchor: Int

    /// Creates a chunking.
    public init(years: Int, anchor: Int) {
        self.years = years
        self.anchor = anchor
    }

    /// The (first, last) years of the files covering `first...last`.
    public func files(from first: Int, through last: Int) -> [(first: Int, last: Int)] {
        var out: [(Int, Int)] = []
        var start = first
        while start <= last {
            var end = start
            while end + 1 <= last && (end + 1 - anchor) % years != 0 { end += 1 }
            out.append((start, end))
            start = end + 1
        }
        return out
    }
}

/// Per-ESM parameters of the field model (equations in `ClimateSuiteFieldModel`). Units: K for
/// temperatures, fractions per K for rates, months for AR(1) coefficients' time step.
public struct ClimateSuiteFieldParameters: Sendable, Hashable {
    /// Northern polar amplification: warming per K of global warming north of 80°N relative to
    /// the tropics before normalisation (α_N).
    public var polarAmplificationNorth: Double
    /// Southern polar amplification (α_S), weaker than α_N.
    public var polarAmplificationSouth: Double
    /// Land–sea warming contrast (land warms this many times the ocean), β_L.
    public var landSeaContrast: Double
    /// Pattern-effect amplitude q (K per K of g(T_d)) of the slow deep-ocean pattern.
    public var patternEffect: Double
    /// Deep-ocean scale T_q (K) of the pattern effect's non-linearity g(T_d) = T_d (1 + T_d / T_q).
    public var patternEffectScale: Double
    /// Change of the seasonal-cycle amplitude per K over sea ice, κ_ice (negative: shrinks).
    public var seasonalChangeIce: Double
    /// Change of the seasonal-cycle amplitude per K over land, κ_land.
    public var seasonalChangeLand: Double
    /// Fraction ν of the month-to-month tas variance lost where sea ice has fully retreated.
    public var iceVarianceLoss: Double
    /// Global warming T_ice (K) over which sea-ice variability fades (e-folding).
    public var iceRetreatScale: Double
    /// Multiplier s of the internal-variability standard deviation.
    public var noiseScale: Double
    /// Month-to-month AR(1) coefficient ρ_m of the tas noise.
    public var monthlyAutocorrelation: Double
    /// Share w of spatially white (cell-scale) variance in the tas and pr noise.
    public var whiteShare: Double
    /// ENSO-like mode amplitude a_E (K at the centre of the pattern).
    public var ensoAmplitude: Double
    /// Monthly AR(1) coefficient ρ_E of the ENSO-like mode (gives year-to-year memory).
    public var ensoAutocorrelation: Double
    /// Change of ENSO amplitude per K of warming, χ_E.
    public var ensoChange: Double
    /// Decadal (AMV-like) mode amplitude a_D, K.
    public var decadalAmplitude: Double
    /// Monthly AR(1) coefficient ρ_D of the decadal mode.
    public var decadalAutocorrelation: Double
    /// Regional aerosol cooling r_A (K per unit of ln(1 + E_SO2/E_0)) over the aerosol pattern.
    public var aerosolCooling: Double
    /// Saturation scale E_0 of the aerosol response, Mt SO2/yr.
    public var aerosolSaturation: Double
    /// Global hydrological sensitivity h, fraction per K.
    public var hydrologicalSensitivity: Double
    /// "Wet gets wetter" scaling h_w of the local pr sensitivity (fraction per K per unit relative climatology).
    public var wetGetsWetter: Double
    /// Multiplier of the gamma shape k of monthly pr (smaller = more skewed).
    public var precipitationShape: Double
    /// Decline δ of the gamma shape per K of warming (heavier tails when warmer).
    public var shapeDecline: Double
    /// Local pr reduction per unit of ln(1 + E_SO2/E_0) over the aerosol pattern.
    public var aerosolDrying: Double
    /// Month-to-month AR(1) coefficient of the pr noise.
    public var precipitationAutocorrelation: Double
    /// Efficacy ε_SAI of the stratospheric aerosol forcing in this model.
    public var saiEfficacy: Double
    /// Tropical over-cooling of SAI, K per W m-2 of SAI forcing (zero-mean pattern).
    public var saiTropicalCooling: Double
    /// Global pr reduction per W m-2 of SAI forcing.
    public var saiDrying: Double
    /// Amplitude of this model's climatological tas bias pattern, K.
    public var biasAmplitude: Double
    /// Seed label of this model's own smooth patterns (bias, pattern detail).
    public var patternSeed: UInt64
}

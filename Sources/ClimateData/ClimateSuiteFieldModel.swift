import Foundation

/// The static spatial patterns of one simulated ESM on one grid, and the equations that turn
/// global temperatures, emissions and noise into monthly `tas` (K) and `pr` (kg m-2 s-1).
///
/// Per cell i (latitude φ_i, land fraction L_i, sea-ice weight I_i), month m (mid-month year
/// fraction τ_m), global upper and deep temperature T, T_d from the two-layer energy balance,
/// SO2 emissions E, SAI forcing F_S = ε_SAI · efficiency · AOD (W m-2):
///
///     tas = B_i                                             climatology (annual mean, model bias)
///         + S_i c_i(τ_m) (1 + κ_i T)                        seasonal cycle; κ_i = κ_ice I_i + κ_land L_i
///         + P_i T                                           warming pattern, area mean 1
///         + q Q_i g(T_d),   g = T_d (1 + T_d / T_q)         slow pattern effect, Q zero area mean
///         − r_A (A_i − ⟨A⟩) ln(1 + E/E_0)                   aerosol response, saturating in E
///         − c_S (cos²φ_i − ⟨cos²φ⟩) F_S                     SAI tropical over-cooling, zero area mean
///         + a_E (1 + χ_E T) E_i z_E + a_D D_i z_D           ENSO-like and decadal modes
///         + σ_i f_i(T) ξ_i                                  internal variability
///
///     σ_i   = s (0.35 + 0.5 L_i + (1.2 + L_i) sin²φ_i)
///     f_i(T) = sqrt(1 − ν I_i (1 − exp(−T⁺ / T_ice)))       variance shrinks where sea ice retreats
///     c_i(τ) = −sign(φ_i) cos(2π (τ − lag_i)),  S_i = (1 + 11 L_i + 2.5 (1 − L_i)) |sin φ_i|^1.2
///     P_i ∝ (1 + (α_N − 1) s(30°…80°N) + (α_S − 1) s(40°…80°S)) (1 + (β_L − 1) L_i) (1 + 0.12 r_i)
///
///     pr  = μ_i W(ζ_i; k_i) / k_i
///     μ_i = Pc_i(τ_m) exp(h T + w_i T − d_A A_i ln(1 + E/E_0) − d_S F_S),  w_i = h_w clamp(Pc̄_i/⟨Pc̄⟩ − 1, −1, 1)
///     W(ζ; k) = k max(0, 1 − 1/(9k) + ζ / (3√k))³            Wilson–Hilferty gamma(k) quantile: skewed, dry months at 0
///     k_i = k_mult (1.5 + 2 min(Pc̄_i/⟨Pc̄⟩, 2)) / (1 + δ T⁺)   heavier tails (and more variance) when warmer
///     ζ_i = sqrt(1 − e_i²) η_i + e_i z_E                    ENSO loading e_i (wet central Pacific, dry Maritime Continent)
///
/// ξ and η are unit-variance noise fields (`ClimateSuiteNoise`): a spatially smooth spectral part
/// plus a cell-scale white part, each AR(1) from month to month (ρ_m for tas, ρ_pr for pr); z_E
/// and z_D are unit-variance monthly AR(1) indices (ρ_E ≈ 0.92, ρ_D ≈ 0.99: year-to-year memory).
/// Non-linear terms: the seasonal-amplitude change (T × season), the ice-dependent variance
/// (exp in T), the quadratic pattern effect, the logarithmic aerosol response, the state-dependent
/// ENSO amplitude, the exponential pr mean with wet-get-wetter, and the warming-dependent gamma skew.
public struct ClimateSuiteFieldModel: Sendable {
    /// The model.
    public let model: ClimateSuiteModel
    /// The grid.
    public let grid: SimulatorGrid
    /// Area weights (sum 1), shape [nlat, nlon].
    public let areaWeights: [Double]
    /// Land fraction L_i.
    public let land: [Float]
    /// Sea-ice weight I_i.
    public let seaIce: [Float]
    /// Annual-mean climatology B_i, K.
    public let climatology: [Float]
    /// Seasonal anomaly S_i c_i(τ_m), K, shape [12, cells].
    public let seasonal: [Float]
    /// Seasonal-amplitude change κ_i, per K.
    public let seasonalChange: [Float]
    /// Warming pattern P_i (area mean 1).
    public let warmingPattern: [Float]
    /// Pattern-effect pattern q Q_i (zero area mean), K per K.
    public let patternEffect: [Float]
    /// Aerosol tas pattern −r_A (A_i − ⟨A⟩), K per unit of ln(1 + E/E0).
    public let aerosolTas: [Float]
    /// Aerosol source pattern A_i (0…1).
    public let aerosolSource: [Float]
    /// SAI tas pattern −c_S (cos²φ − ⟨cos²φ⟩), K per W m-2.
    public let saiTas: [Float]
    /// ENSO tas pattern a_E E_i, K.
    public let ensoTas: [Float]
    /// Decadal-mode tas pattern a_D D_i, K.
    public let decadalTas: [Float]
    /// Noise standard deviation σ_i, K.
    public let noiseStd: [Float]
    /// Monthly pr climatology Pc_i(τ_m), kg m-2 s-1, shape [12, cells].
    public let precipitationClimatology: [Float]
    /// Local pr sensitivity h + w_i, per K.
    public let precipitationSensitivity: [Float]
    /// Gamma shape at T = 0, k_i.
    public let precipitationShape: [Float]
    /// ENSO loading e_i of the pr noise.
    public let ensoPrecipitationLoading: [Float]

    /// Builds the patterns of `model` on `grid`.
    public init(model: ClimateSuiteModel, grid: SimulatorGrid) {
        self.model = model
        self.grid = grid
        let p = model.fields
        let n = grid.cellCount, nlon = grid.nlon
        let w = grid.areaWeights
        areaWeights = w
        let patternStream = SimulatorRandom.stream(p.patternSeed, ["patterns", model.sourceID])
        var land = [Float](repeating: 0, count: n), ice = land, clim = land, kappa = land, warm = land
        var pe = land, aerSrc = land, sai = land, enso = land, dec = land, sigma = land
        var ensoPr = land, prShape = land, prSens = land
        var seasonal = [Float](repeating: 0, count: 12 * n), prClim = seasonal
        var prAnnual = [Double](repeating: 0, count: n)
        let rad = Double.pi / 180
        for j in 0..<grid.nlat {
            let lat = grid.latitudes[j]
            let s = sin(lat * rad), c = cos(lat * rad)
            for i in 0..<nlon {
                let k = j * nlon + i
                let lon = grid.longitudes[i]
                let L = ClimateSuiteGeography.land(lat: lat, lon: lon)
                let I = ClimateSuiteGeography.seaIce(lat: lat, land: L)
                land[k] = Float(L)
                ice[k] = Float(I)
                let r1 = ClimateSuiteGeography.smoothField(lat: lat, lon: lon, stream: patternStream.child("bias"))
                let r2 = ClimateSuiteGeography.smoothField(lat: lat, lon: lon, stream: patternStream.child("warming"))
                let r3 = ClimateSuiteGeography.smoothField(lat: lat, lon: lon, stream: patternStream.child("precipitation"))
                // Climatology: zonal profile, ice-sheet and plateau cooling, model bias.
                let plateau = exp(-pow(ClimateSuiteGeography.distance(lat, lon, 33, 88) / 9, 2))
                    + exp(-pow(ClimateSuiteGeography.distance(lat, lon, 73, 318) / 8, 2))
                clim[k] = Float(303 - 42 * s * s - 25 * ClimateSuiteGeography.antarctica(lat: lat)
                                - 12 * plateau - 3 * L * s * s + p.biasAmplitude * r1)
                // Seasonal cycle.
                let amp = (1 + 11 * L + 2.5 * (1 - L)) * pow(abs(s), 1.2)
                let lag = 0.045 + 0.04 * (1 - L)
                for m in 0..<12 {
                    let tau = (Double(m) + 0.5) / 12
                    seasonal[m * n + k] = Float(-(lat >= 0 ? 1.0 : -1.0) * amp * cos(2 * Double.pi * (tau - lag)))
                }
                kappa[k] = Float(p.seasonalChangeIce * I + p.seasonalChangeLand * L)
                // Warming pattern (normalised below).
                let polar = 1 + (p.polarAmplificationNorth - 1) * ClimateSuiteGeography.smoothstep(30, 80, lat)
                    + (p.polarAmplificationSouth - 1) * ClimateSuiteGeography.smoothstep(-40, -80, lat)
                warm[k] = Float(polar * (1 + (p.landSeaContrast - 1) * L) * (1 + 0.12 * r2))
                // Slow pattern effect: Southern Ocean and eastern tropical Pacific catch up with the deep ocean.
                let southernOcean = (1 - L) * exp(-pow((lat + 55) / 10, 2))
                let eastPacific = (1 - L) * exp(-pow(lat / 10, 2)) * exp(-pow((lon - 245) / 35, 2))
                pe[k] = Float(southernOcean + 0.8 * eastPacific)
                aerSrc[k] = Float(ClimateSuiteGeography.aerosol(lat: lat, lon: lon))
                sai[k] = Float(c * c)
                let ensoShape = (1 - 0.7 * L) * exp(-pow(lat / 9, 2)) * exp(-pow((lon - 235) / 40, 2))
                enso[k] = Float(ensoShape)
                dec[k] = Float((1 - L) * exp(-pow(ClimateSuiteGeography.distance(lat, lon, 50, 330) / 20, 2)) + 0.3 * I)
                sigma[k] = Float(p.noiseScale * (0.35 + 0.5 * L + (1.2 + L) * s * s))
                let maritime = exp(-pow(lat / 10, 2)) * exp(-pow((lon - 125) / 25, 2))
                ensoPr[k] = Float(max(-0.6, min(0.6, 0.6 * ensoShape / 1.0 - 0.45 * maritime)))
                // Precipitation climatology (mm/day → kg m-2 s-1): ITCZ following the sun, storm tracks, deserts.
                var annual = 0.0
                for m in 0..<12 {
                    let tau = (Double(m) + 0.5) / 12
                    let itcz = 5 + 7 * sin(2 * Double.pi * (tau - 0.3))
                    var mmday = 0.3 + 0.4 * c + 7.5 * exp(-pow((lat - itcz) / 7, 2))
                        + 2.8 * exp(-pow((abs(lat) - 45) / 12, 2))
                    mmday *= 1 - 0.6 * L * exp(-pow((abs(lat) - 24) / 9, 2))
                    mmday *= exp(0.25 * r3)
                    let v = 1.3 * max(0.05, mmday) / 86400
                    prClim[m * n + k] = Float(v)
                    annual += v / 12
                }
                prAnnual[k] = annual
            }
        }
        // Normalisations on this grid: warming pattern to area mean 1; zero-mean patterns.
        func areaMean(_ a: [Float]) -> Double { zip(a, w).reduce(0) { $0 + Double($1.0) * $1.1 } }
        let warmMean = areaMean(warm)
        for k in 0..<n { warm[k] = Float(Double(warm[k]) / warmMean) }
        let peMean = areaMean(pe), aerMean = areaMean(aerSrc), saiMean = areaMean(sai)
        var aerTas = [Float](repeating: 0, count: n)
        for k in 0..<n {
            pe[k] = Float(p.patternEffect * (Double(pe[k]) - peMean) / max(peMean, 1e-9))
            aerTas[k] = Float(-p.aerosolCooling * (Double(aerSrc[k]) - aerMean) / max(1e-9, 1 - aerMean))
            sai[k] = Float(-p.saiTropicalCooling * (Double(sai[k]) - saiMean))
            enso[k] = Float(p.ensoAmplitude) * enso[k]
            dec[k] = Float(p.decadalAmplitude) * dec[k]
        }
        let prMean = zip(prAnnual, w).reduce(0) { $0 + $1.0 * $1.1 }
        for k in 0..<n {
            let rel = prAnnual[k] / prMean
            prSens[k] = Float(p.hydrologicalSensitivity + p.wetGetsWetter * p.hydrologicalSensitivity * max(-1, min(1, rel - 1)))
            prShape[k] = Float(p.precipitationShape * (1.5 + 2 * min(rel, 2)))
        }
        self.land = land
        self.seaIce = ice
        self.climatology = clim
        self.seasonal = seasonal
        self.seasonalChange = kappa
        self.warmingPattern = warm
        self.patternEffect = pe
        self.aerosolTas = aerTas
        self.aerosolSource = aerSrc
        self.saiTas = sai
        self.ensoTas = enso
        self.decadalTas = dec
        self.noiseStd = sigma
        self.precipitationClimatology = prClim
        self.precipitationSensitivity = prSens
        self.precipitationShape = prShape
        self.ensoPrecipitationLoading = ensoPr
    }

    /// The global drivers of one month.
    public struct Drivers: Sendable {
        /// Calendar month index 0…11.
        public var month: Int
        /// Global upper-layer temperature anomaly T, K.
        public var temperature: Double
        /// Deep-ocean temperature anomaly T_d, K.
        public var deepTemperature: Double
        /// Global SO2 emissions, Mt SO2/yr.
        public var sulfurEmissions: Double
        /// SAI forcing magnitude F_S, W m-2 (0 outside SAI).
        public var saiForcing: Double
        /// ENSO index z_E (unit variance).
        public var enso: Double
        /// Decadal index z_D (unit variance).
        public var decadal: Double

        /// Creates drivers.
        public init(month: Int, temperature: Double, deepTemperature: Double, sulfurEmissions: Double,
                    saiForcing: Double, enso: Double, decadal: Double) {
            self.month = month
            self.temperature = temperature
            self.deepTemperature = deepTemperature
            self.sulfurEmissions = sulfurEmissions
            self.saiForcing = saiForcing
            self.enso = enso
            self.decadal = decadal
        }
    }

    /// Computes one month of tas and pr into `tas` and `pr` (each shape [nlat, nlon], written
    /// at `offset`) from the drivers and unit-variance noise fields `xi` (tas) and `eta` (pr).
    public func fields(_ d: Drivers, xi: [Float], eta: [Float], tas: UnsafeMutablePointer<Float>,
                       pr: UnsafeMutablePointer<Float>) {
        let p = model.fields
        let n = grid.cellCount
        let T = d.temperature, Tp = max(0, d.temperature)
        let g = d.deepTemperature * (1 + d.deepTemperature / p.patternEffectScale)
        let aer = log(1 + max(0, d.sulfurEmissions) / p.aerosolSaturation)
        let iceLoss = p.iceVarianceLoss * (1 - exp(-Tp / p.iceRetreatScale))
        let ensoAmp = d.enso * max(0, 1 + p.ensoChange * T)
        let decadal = d.decadal
        let prGlobal = -p.saiDrying * d.saiForcing
        let shapeFactor = 1 / (1 + p.shapeDecline * Tp)
        let mo = d.month * n
        let fT = Float(T), fG = Float(g), fAer = Float(aer), fSai = Float(d.saiForcing), fIce = Float(iceLoss),
            fEnso = Float(ensoAmp), fDec = Float(decadal), fShape = Float(shapeFactor), fZ = Float(d.enso),
            fDA = Float(p.aerosolDrying * aer),
            fPrGlobal = Float(prGlobal)
        climatology.withUnsafeBufferPointer { B in seasonal.withUnsafeBufferPointer { S in
        seasonalChange.withUnsafeBufferPointer { K in warmingPattern.withUnsafeBufferPointer { P in
        patternEffect.withUnsafeBufferPointer { Q in aerosolTas.withUnsafeBufferPointer { A in
        saiTas.withUnsafeBufferPointer { V in ensoTas.withUnsafeBufferPointer { E in
        decadalTas.withUnsafeBufferPointer { D in noiseStd.withUnsafeBufferPointer { SG in
        seaIce.withUnsafeBufferPointer { I in xi.withUnsafeBufferPointer { X in
            for k in 0..<n {
                let variance = max(0, 1 - fIce * I[k])
                var t = B[k] + S[mo + k] * (1 + K[k] * fT) + P[k] * fT + Q[k] * fG + A[k] * fAer + V[k] * fSai
                t += E[k] * fEnso + D[k] * fDec
                t += SG[k] * variance.squareRoot() * X[k]
                tas[k] = t
            }
        }}}}}}}}}}}}
        precipitationClimatology.withUnsafeBufferPointer { PC in precipitationSensitivity.withUnsafeBufferPointer { H in
        precipitationShape.withUnsafeBufferPointer { K0 in ensoPrecipitationLoading.withUnsafeBufferPointer { EL in
        aerosolSource.withUnsafeBufferPointer { AS in eta.withUnsafeBufferPointer { Z in
            for k in 0..<n {
                let mu = PC[mo + k] * exp(H[k] * fT - fDA * AS[k] + fPrGlobal)
                let shape = K0[k] * fShape
                let e = EL[k]
                let zeta = (1 - e * e).squareRoot() * Z[k] + e * fZ
                let base = max(0, 1 - 1 / (9 * shape) + zeta / (3 * shape.squareRoot()))
                pr[k] = mu * base * base * base
            }
        }}}}}}
    }
}

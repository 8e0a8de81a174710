import Foundation

/// The embedded simple climate model: emissions → concentrations → effective radiative forcing, for the
/// forcing channels that need total ERF (and its slow memory) when a scenario gives emissions only.
///
/// The historical years (1750 through the pathway's last historical year) follow the observed atmosphere: the
/// carbon cycle is stepped to the observed CO2 (inferring the emissions that take it there, so its sinks have
/// seen the real history), CH4 and N2O are the observed ones, and the temperature is driven by the observed
/// total ERF. From the first scenario year on, CO2 comes from the scenario's emissions through the
/// impulse-response carbon cycle, CH4 and N2O from one-box lifetimes with the natural emissions that close the
/// last historical decade's budget, and every ERF component from `SimpleClimateModelParameters`; the components
/// it does not model (`EmissionsPathway.prescribedVariables`) are added as given.
public struct SimpleClimateModel: Sendable {
    /// The coefficients.
    public var parameters: SimpleClimateModelParameters

    /// A model with the calibrated coefficients.
    public init(parameters: SimpleClimateModelParameters = SimpleClimateModelParameters()) {
        self.parameters = parameters
    }

    /// ERF component names (RCMIP variables) the model computes.
    public static let modelledComponents = [
        "Effective Radiative Forcing|Anthropogenic|CO2", "Effective Radiative Forcing|Anthropogenic|CH4",
        "Effective Radiative Forcing|Anthropogenic|N2O",
        "Effective Radiative Forcing|Anthropogenic|Aerosols|Aerosols-radiation Interactions",
        "Effective Radiative Forcing|Anthropogenic|Aerosols|Aerosols-cloud Interactions",
        "Effective Radiative Forcing|Anthropogenic|Tropospheric Ozone",
        "Effective Radiative Forcing|Anthropogenic|Other|CH4 Oxidation Stratospheric H2O",
        "Effective Radiative Forcing|Anthropogenic|Albedo Change",
        "Effective Radiative Forcing|Anthropogenic|Other|BC on Snow",
        "Effective Radiative Forcing|Anthropogenic|Other|Contrails and Contrail-induced Cirrus",
    ]

    /// Runs the model over the pathway.
    public func run(_ pathway: EmissionsPathway) -> SimpleClimateModelResult {
        let p = parameters
        let n = pathway.lastYear - EmissionsPathway.firstYear + 1
        let lastHistory = pathway.lastHistoricalYear - EmissionsPathway.firstYear
        func e(_ s: EmissionSpecies) -> [Double] { pathway.emissions[s] ?? Array(repeating: 0, count: n) }
        let co2 = e(.co2), afolu = e(.co2AFOLU), ch4E = e(.ch4), n2oE = e(.n2o).map { $0 / 1000 }  // kt → Mt N2O
        let so2 = e(.sulfur), bc = e(.bc), oc = e(.oc), nh3 = e(.nh3), nox = e(.nox), avi = e(.noxAviation), coE = e(.co), voc = e(.voc)
        let gtcPerMtCO2 = 12.01 / 44.01 / 1000

        // Natural emissions closing the CH4 and N2O budgets of the last ten historical years.
        func naturalEmissions(_ observed: [Double], _ anthropogenic: [Double], lifetime: Double, perPPB: Double) -> Double {
            let years = max(1, lastHistory - 9)...lastHistory
            var sum = 0.0
            for t in years {
                let next = t + 1 < observed.count ? observed[t + 1] : observed[t]
                let slope = t + 1 < observed.count ? (next - observed[t - 1]) / 2 : observed[t] - observed[t - 1]
                sum += perPPB * (slope + observed[t] / lifetime) - anthropogenic[t]
            }
            return sum / Double(years.count)
        }
        let ch4Natural = naturalEmissions(pathway.observedCH4, ch4E, lifetime: p.ch4Lifetime, perPPB: p.mtCH4PerPPB)
        let n2oNatural = naturalEmissions(pathway.observedN2O, n2oE, lifetime: p.n2oLifetime, perPPB: p.mtN2OPerPPB)

        var carbon = CarbonCycle(parameters: p.carbon)
        var thermal = p.thermal
        var cCO2 = Array(repeating: p.carbon.preindustrialPPM, count: n)
        var cCH4 = Array(repeating: pathway.observedCH4[0], count: n)
        var cN2O = Array(repeating: pathway.observedN2O[0], count: n)
        cCO2[0] = pathway.observedCO2[0]
        var components: [String: [Double]] = [:]
        for name in Self.modelledComponents { components[name] = Array(repeating: 0, count: n) }
        for (name, series) in pathway.prescribedForcing { components[name] = series }
        var total = Array(repeating: 0.0, count: n)
        var temperature = Array(repeating: 0.0, count: n)
        var cumulativeAFOLU = afolu[0]
        let c0 = p.carbon.preindustrialPPM, m0 = p.ch4Reference, n0 = p.n2oReference
        for t in 1..<n {
            let T = thermal.temperature
            if t <= lastHistory {
                carbon.step(toConcentration: pathway.observedCO2[t], temperature: T)
                cCH4[t] = pathway.observedCH4[t]
                cN2O[t] = pathway.observedN2O[t]
            } else {
                carbon.step(emissions: co2[t] * gtcPerMtCO2, temperature: T)
                cCH4[t] = Self.lifetimeStep(cCH4[t - 1], emissions: 0.5 * (ch4E[t - 1] + ch4E[t]) + ch4Natural,
                                            lifetime: p.ch4Lifetime, perPPB: p.mtCH4PerPPB)
                cN2O[t] = Self.lifetimeStep(cN2O[t - 1], emissions: 0.5 * (n2oE[t - 1] + n2oE[t]) + n2oNatural,
                                            lifetime: p.n2oLifetime, perPPB: p.mtN2OPerPPB)
            }
            cCO2[t] = carbon.concentration
            cumulativeAFOLU += afolu[t]
            let C = cCO2[t], M = cCH4[t], N = cN2O[t]
            let lnC = log(C / c0), dM = M.squareRoot() - m0.squareRoot(), dN = N.squareRoot() - n0.squareRoot()
            var f: [(String, Double)] = []
            f.append(("Effective Radiative Forcing|Anthropogenic|CO2",
                      p.co2Forcing[0] * lnC + p.co2Forcing[1] * (C - c0) * lnC + p.co2Forcing[2] * dN * lnC))
            f.append(("Effective Radiative Forcing|Anthropogenic|CH4",
                      (p.ch4Forcing[0] + p.ch4Forcing[1] * (N - n0) + p.ch4Forcing[2] * (M - m0)) * dM))
            f.append(("Effective Radiative Forcing|Anthropogenic|N2O",
                      (p.n2oForcing[0] + p.n2oForcing[1] * (C - c0) + p.n2oForcing[2] * (M - m0)) * dN))
            let changes = [so2[t] - so2[0], bc[t] - bc[0], oc[t] - oc[0], nh3[t] - nh3[0], nox[t] - nox[0], voc[t] - voc[0]]
            f.append(("Effective Radiative Forcing|Anthropogenic|Aerosols|Aerosols-radiation Interactions",
                      zip(p.aerosolRadiation, changes).reduce(0) { $0 + $1.0 * $1.1 }))
            f.append(("Effective Radiative Forcing|Anthropogenic|Aerosols|Aerosols-cloud Interactions",
                      -p.aerosolCloudBeta * (log(1 + max(so2[t], 0) / p.aerosolCloudScale) - log(1 + max(so2[0], 0) / p.aerosolCloudScale))))
            let o3 = p.troposphericOzone
            f.append(("Effective Radiative Forcing|Anthropogenic|Tropospheric Ozone",
                      o3[0] * (M - m0) + o3[1] * (nox[t] - nox[0]) + o3[2] * (coE[t] - coE[0]) + o3[3] * (voc[t] - voc[0])))
            f.append(("Effective Radiative Forcing|Anthropogenic|Other|CH4 Oxidation Stratospheric H2O", p.stratosphericWaterVapour * (M - m0)))
            f.append(("Effective Radiative Forcing|Anthropogenic|Albedo Change", p.landUseAlbedo * cumulativeAFOLU))
            f.append(("Effective Radiative Forcing|Anthropogenic|Other|BC on Snow", p.bcOnSnow * (bc[t] - bc[0])))
            f.append(("Effective Radiative Forcing|Anthropogenic|Other|Contrails and Contrail-induced Cirrus", p.contrails * (avi[t] - avi[0])))
            var sum = 0.0
            for (name, value) in f { components[name]?[t] = value; sum += value }
            for name in EmissionsPathway.prescribedVariables { sum += pathway.prescribedForcing[name]?[t] ?? 0 }
            total[t] = t <= lastHistory ? pathway.historicalForcing[t] : sum
            temperature[t] = thermal.step(forcing: total[t])
        }
        total[0] = pathway.historicalForcing[0]
        return SimpleClimateModelResult(lastYear: pathway.lastYear, co2: cCO2, ch4: cCH4, n2o: cN2O, components: components,
                                        totalForcing: total, temperature: temperature)
    }

    /// One year of a one-box gas: c' = c e^(−1/τ) + τ (1 − e^(−1/τ)) E / k.
    static func lifetimeStep(_ c: Double, emissions: Double, lifetime: Double, perPPB: Double) -> Double {
        let a = exp(-1 / lifetime)
        return c * a + lifetime * (1 - a) * emissions / perPPB
    }
}

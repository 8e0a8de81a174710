import Foundation
import Testing
import ClimateData

@Test func energyBalanceReachesECSAtDoubledCO2() {
    for model in ClimateSuiteCatalog.models {
        var ebm = EnergyBalanceModel(model.energyBalance)
        let f2x = model.energyBalance.forcing2x
        for _ in 0..<4000 { ebm.step(forcing: f2x, years: 1) }
        #expect(abs(ebm.temperature - model.ecs) < 0.01, "\(model.sourceID): T = \(ebm.temperature), ECS \(model.ecs)")
        #expect(abs(ebm.deepTemperature - model.ecs) < 0.02, "\(model.sourceID)")
        #expect(abs(ebm.imbalance(forcing: f2x)) < 0.01, "\(model.sourceID)")
    }
}

@Test func energyBalanceMonthlyStepMatchesFineIntegration() {
    let p = EnergyBalanceParameters(ecs: 3, upperHeatCapacity: 8, deepHeatCapacity: 100, exchange: 0.7, efficacy: 1.3)
    var monthly = EnergyBalanceModel(p), fine = EnergyBalanceModel(p)
    for year in 0..<150 {
        let f = 0.04 * Double(year)
        for _ in 0..<12 { monthly.step(forcing: f, years: 1.0 / 12) }
        for _ in 0..<1200 { fine.step(forcing: f, years: 1.0 / 1200) }
    }
    #expect(abs(monthly.temperature - fine.temperature) < 0.01)
    #expect(abs(monthly.deepTemperature - fine.deepTemperature) < 0.01)
    // Fast response: after a step the upper layer approaches F / (λ + εγ) within years, well below ECS.
    var step = EnergyBalanceModel(p)
    for _ in 0..<(12 * 20) { step.step(forcing: p.forcing2x, years: 1.0 / 12) }
    let fast = p.forcing2x / (p.feedback + p.efficacy * p.exchange)
    #expect(step.temperature > 0.9 * fast && step.temperature < p.ecs)
}

@Test func energyBalanceWarmingUnderRCMIPForcingOrdersWithECS() throws {
    let data = try RCMIPTestSupport.extract()
    let scenario = try ForcingScenario.forExperiment("ssp585")
    let erf = try data.joined("Effective Radiative Forcing", scenario: scenario, from: 1750, through: 2100)
    var warming: [String: (hist: Double, end: Double)] = [:]
    for model in ClimateSuiteCatalog.models {
        var ebm = EnergyBalanceModel(model.energyBalance)
        var early = 0.0, recent = 0.0
        for (k, f) in erf.enumerated() {
            for _ in 0..<12 { ebm.step(forcing: f, years: 1.0 / 12) }
            let y = 1750 + k
            if (1850...1900).contains(y) { early += ebm.temperature / 51 }
            if (2005...2014).contains(y) { recent += ebm.temperature / 10 }
        }
        warming[model.sourceID] = (recent - early, ebm.temperature)
        // Observed-like historical warming (about 1 K; CMIP6 models span roughly 0.6–1.6 K).
        #expect(recent - early > 0.5 && recent - early < 1.8, "\(model.sourceID): \(recent - early)")
    }
    let low = try #require(warming["NorESM2-LM"]), high = try #require(warming["UKESM1-0-LL"])
    #expect(high.end > low.end + 2, "ssp585 2100: UKESM \(high.end) vs NorESM \(low.end)")
}

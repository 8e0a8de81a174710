import Foundation
import Testing
import ClimateData

@Test func catalogHasTheTenModelsWithTheirIdentities() throws {
    let ids = ClimateSuiteCatalog.models.map(\.sourceID)
    #expect(ids == ["BCC-CSM2-MR", "CESM2", "CESM2-WACCM", "CMCC-CM2-SR5", "CMCC-ESM2", "GFDL-ESM4", "IPSL-CM6A-LR",
                    "MRI-ESM2-0", "NorESM2-LM", "UKESM1-0-LL"])
    #expect(ClimateSuiteCatalog.models.map(\.ecs) == [3.0, 5.2, 4.8, 3.5, 3.6, 2.6, 4.6, 3.1, 2.5, 5.3])
    let calendars = Dictionary(uniqueKeysWithValues: ClimateSuiteCatalog.models.map { ($0.sourceID, $0.calendar) })
    #expect(calendars["UKESM1-0-LL"] == "360_day")
    #expect(calendars["CMCC-ESM2"] == "365_day")
    #expect(calendars["IPSL-CM6A-LR"] == "gregorian")
    #expect(calendars["MRI-ESM2-0"] == "proleptic_gregorian")
    for m in ClimateSuiteCatalog.models { _ = try CFCalendar(cfName: m.calendar) }
    #expect(try ClimateSuiteCatalog.model(named: "UKESM1-0-LL").variantLabel(member: 2) == "r2i1p1f2")
    #expect(try ClimateSuiteCatalog.model(named: "CESM2").variantLabel(member: 1) == "r1i1p1f1")
    #expect(throws: SimulatorError.self) { try ClimateSuiteCatalog.model(named: "HadGEM9") }
    // Native grids differ; scaled Gaussian grids keep Gaussian latitudes.
    let sizes = Set(ClimateSuiteCatalog.models.map { "\($0.nativeLatitudes)x\($0.nativeLongitudes)" })
    #expect(sizes.count >= 6)
    let bcc = try ClimateSuiteCatalog.model(named: "BCC-CSM2-MR").grid(scale: 0.25)
    #expect(bcc.nlat == 40 && bcc.nlon == 80)
    #expect(try bcc.latLonGrid().kind == .gaussian)
    let cesm = try ClimateSuiteCatalog.model(named: "CESM2").grid(scale: 0.25)
    #expect(cesm.latitudes.first == -90 && cesm.latitudes.last == 90)
    let ukesm = try ClimateSuiteCatalog.model(named: "UKESM1-0-LL").grid(scale: 1)
    #expect(ukesm.nlat == 144 && ukesm.nlon == 192 && abs(ukesm.longitudes[0] - 0.9375) < 1e-12)
    for m in ClimateSuiteCatalog.models {
        let g = try m.grid(scale: 0.2)
        #expect(abs(g.areaWeights.reduce(0, +) - 1) < 1e-9, "\(m.sourceID)")
    }
    #expect(throws: SimulatorError.self) { try ClimateSuiteCatalog.model(named: "CESM2").grid(scale: 1.5) }
}

@Test func fileChunkingFollowsTheModelsLayout() {
    let noresm = ClimateSuiteFileChunking(years: 10, anchor: 2021).files(from: 2015, through: 2040)
    #expect(noresm.map(\.first) == [2015, 2021, 2031] && noresm.map(\.last) == [2020, 2030, 2040])
    let cesm = ClimateSuiteFileChunking(years: 50, anchor: 1850).files(from: 1850, through: 2014)
    #expect(cesm.map(\.first) == [1850, 1900, 1950, 2000] && cesm.last?.last == 2014)
}

@Test func configurationIsValidated() throws {
    #expect(throws: SimulatorError.self) { try ClimateSuiteConfiguration(models: ["nope"]).validate() }
    #expect(throws: SimulatorError.self) { try ClimateSuiteConfiguration(experiments: ["ssp999"]).validate() }
    #expect(throws: SimulatorError.self) { try ClimateSuiteConfiguration(members: 0).validate() }
    #expect(throws: SimulatorError.self) { try ClimateSuiteConfiguration(gridScale: 0).validate() }
    #expect(throws: SimulatorError.self) { try ClimateSuiteConfiguration(lastYear: 2010).validate() }
    try ClimateSuiteConfiguration.standard.validate()
    // 10 models × 3 members × (165 + 4 × 86) years + 2 SAI models × 3 members × 81 years.
    #expect(ClimateSuiteConfiguration.standard.modelYears == 10 * 3 * (165 + 4 * 86) + 2 * 3 * 81)
}

@Test func simulatorIsDeterministicAndThreadCountInvariant() throws {
    let data = try RCMIPTestSupport.extract()
    let config = ClimateSuiteConfiguration(models: ["CESM2", "GFDL-ESM4"], experiments: ["historical", "ssp245"],
                                           members: 2, gridScale: 0.08, firstYear: 1990, lastYear: 2030, seed: 42)
    let sim = try ClimateSuiteSimulator(configuration: config, forcing: data)
    func collect(threads: Int) throws -> [String: [Float]] {
        let box = RunBox()
        try sim.run(threads: threads) { run in box.put("\(run.model.sourceID)/\(run.experiment)/\(run.member)", run.tas + run.pr) }
        return box.all
    }
    let one = try collect(threads: 1), two = try collect(threads: 2), again = try collect(threads: 2)
    #expect(one.count == 8)
    #expect(one == two)
    #expect(two == again)
    // Members differ; the historical run does not depend on which other experiments are requested.
    #expect(one["CESM2/historical/1"] != one["CESM2/historical/2"])
    let histOnly = try ClimateSuiteSimulator(
        configuration: ClimateSuiteConfiguration(models: ["CESM2"], experiments: ["historical"], members: 1, gridScale: 0.08,
                                                 firstYear: 1990, lastYear: 2030, seed: 42), forcing: data)
    var hist: [Float] = []
    try histOnly.simulate(model: ClimateSuiteCatalog.model(named: "CESM2"), member: 1) { hist = $0.tas + $0.pr }
    #expect(hist == one["CESM2/historical/1"])
    // Another seed gives other data.
    let other = try ClimateSuiteSimulator(
        configuration: ClimateSuiteConfiguration(models: ["CESM2"], experiments: ["historical"], members: 1, gridScale: 0.08,
                                                 firstYear: 1990, lastYear: 2030, seed: 43), forcing: data)
    var histOther: [Float] = []
    try other.simulate(model: ClimateSuiteCatalog.model(named: "CESM2"), member: 1) { histOther = $0.tas + $0.pr }
    #expect(histOther != hist)
}

/// Thread-safe collection of run outputs.
final class RunBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: [Float]] = [:]
    func put(_ key: String, _ v: [Float]) { lock.lock(); values[key] = v; lock.unlock() }
    var all: [String: [Float]] { lock.lock(); defer { lock.unlock() }; return values }
}

@Test func randomStreamsAreCounterBasedAndNormal() {
    let s = SimulatorRandom.stream(1, ["a", "b"])
    #expect(s.normal(5) == SimulatorRandom.stream(1, ["a", "b"]).normal(5))
    #expect(s.key != SimulatorRandom.stream(1, ["ab"]).key)
    #expect(s.key != SimulatorRandom.stream(2, ["a", "b"]).key)
    var x = [Float](repeating: 0, count: 20000)
    s.fillNormals(&x, first: 0)
    let d = x.map(Double.init)
    #expect(abs(Stats.mean(d)) < 0.03)
    #expect(abs(Stats.variance(d) - 1) < 0.04)
    #expect(abs(Stats.skewness(d)) < 0.08)
    var tail = [Float](repeating: 0, count: 100)
    s.fillNormals(&tail, first: 50)
    #expect(Array(x[100..<200]) == tail)
}

@Test func globalClimateIsPlausibleAndScenariosOrder() throws {
    func decadeMean(_ run: ClimateSuiteRun, _ variable: String, lastYears: Bool) -> Double {
        let w = run.grid.areaWeights
        let range = lastYears ? (run.months - 240)..<run.months : 0..<240
        return range.map { run.grid.globalMean(run.field(variable, month: $0), weights: w) }.reduce(0, +) / 240
    }
    for model in ["UKESM1-0-LL", "NorESM2-LM"] {
        let hist = try SimulatorFixture.run(model, "historical", 1)
        let t1850 = decadeMean(hist, "tas", lastYears: false)
        #expect(t1850 > 284 && t1850 < 290, "\(model) 1850s global tas \(t1850)")
        let p1850 = decadeMean(hist, "pr", lastYears: false) * 86400
        #expect(p1850 > 2.3 && p1850 < 3.6, "\(model) global pr \(p1850) mm/day")
        #expect(hist.pr.allSatisfy { $0 >= 0 && $0.isFinite })
        #expect(hist.tas.allSatisfy { $0 > 180 && $0 < 340 })
        let end = try ["ssp126", "ssp245", "ssp370", "ssp585"].map { try decadeMean(SimulatorFixture.run(model, $0, 1), "tas", lastYears: true) }
        #expect(end[0] < end[1] && end[1] < end[2] && end[2] < end[3], "\(model): \(end)")
        // Precipitation scales with temperature by a few % per K (ensemble of 3, ssp585 vs 1850s).
        var dT = 0.0, dP = 0.0
        for member in 1...3 {
            let h = try SimulatorFixture.run(model, "historical", member), s = try SimulatorFixture.run(model, "ssp585", member)
            dT += (decadeMean(s, "tas", lastYears: true) - decadeMean(h, "tas", lastYears: false)) / 3
            dP += (decadeMean(s, "pr", lastYears: true) / decadeMean(h, "pr", lastYears: false) - 1) / 3
        }
        let percentPerK = 100 * dP / dT
        #expect(percentPerK > 1 && percentPerK < 4.5, "\(model): \(percentPerK) %/K")
    }
    // Polar amplification and land–sea contrast in the forced warming (ensemble mean, ssp585).
    let hist = try SimulatorFixture.run("UKESM1-0-LL", "historical", 1)
    let g = hist.grid, n = g.cellCount
    var warming = [Double](repeating: 0, count: n)
    for member in 1...3 {
        let h = try SimulatorFixture.run("UKESM1-0-LL", "historical", member), s = try SimulatorFixture.run("UKESM1-0-LL", "ssp585", member)
        for t in 0..<240 {
            for k in 0..<n { warming[k] += Double(s.tas[(s.months - 240 + t) * n + k] - h.tas[t * n + k]) / 720 }
        }
    }
    let fm = ClimateSuiteFieldModel(model: hist.model, grid: g)
    let w = g.areaWeights
    let global = zip(warming, w).reduce(0) { $0 + $1.0 * $1.1 }
    var arctic = 0.0, arcticW = 0.0, land = 0.0, landW = 0.0, ocean = 0.0, oceanW = 0.0
    for j in 0..<g.nlat {
        for i in 0..<g.nlon {
            let k = j * g.nlon + i
            if g.latitudes[j] > 70 { arctic += warming[k] * w[k]; arcticW += w[k] }
            if abs(g.latitudes[j]) < 60 {
                if fm.land[k] > 0.8 { land += warming[k] * w[k]; landW += w[k] }
                if fm.land[k] < 0.05 { ocean += warming[k] * w[k]; oceanW += w[k] }
            }
        }
    }
    #expect(arctic / arcticW > 1.6 * global, "Arctic \(arctic / arcticW) vs global \(global)")
    #expect(land / landW > 1.2 * ocean / oceanW, "land \(land / landW) vs ocean \(ocean / oceanW)")
}

@Test func saiExperimentHoldsWarmingNearSSP245() throws {
    for model in ["UKESM1-0-LL"] {
        let sai = try SimulatorFixture.run(model, "G6sulfur", 1)
        #expect(sai.firstYear == 2020 && sai.lastYear == 2100)
        let s245 = try SimulatorFixture.run(model, "ssp245", 1), s585 = try SimulatorFixture.run(model, "ssp585", 1)
        let tSAI = Stats.mean(Array(sai.globalTemperature.suffix(240)))
        let t245 = Stats.mean(Array(s245.globalTemperature.suffix(240)))
        let t585 = Stats.mean(Array(s585.globalTemperature.suffix(240)))
        #expect(abs(tSAI - t245) < 0.5, "G6sulfur \(tSAI) vs ssp245 \(t245)")
        #expect(t585 - tSAI > 1.5)
        // Before injection starts, G6sulfur continues ssp585 (same branch state in January 2020).
        #expect(abs(sai.globalTemperature[0] - s585.globalTemperature[5 * 12]) < 0.01)
    }
    // Only SAI models run it.
    #expect(SimulatorFixture.runs["NorESM2-LM/G6sulfur/1"] == nil)
}

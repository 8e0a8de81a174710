import Foundation
import Testing
import ClimateData

/// Statistical checks of each non-linear term of `ClimateSuiteFieldModel`, on the shared
/// fixture (3 members, 1850–2100) and, where a term is best isolated, on the field equations
/// with zero noise.

private let model = "UKESM1-0-LL"

/// Across-member deviations x_m − mean_m at each cell and month of `range` (removes the forced
/// signal, leaving internal variability): shape [months × cells × members], flattened per cell.
private func deviations(_ experiment: String, _ variable: String, months range: Range<Int>, cells: [Int]) throws -> [Double] {
    let runs = try (1...3).map { try SimulatorFixture.run(model, experiment, $0) }
    let n = runs[0].grid.cellCount
    var out: [Double] = []
    for t in range {
        for k in cells {
            let x = runs.map { Double((variable == "pr" ? $0.pr : $0.tas)[t * n + k]) }
            let m = x.reduce(0, +) / 3
            for v in x { out.append(v - m) }
        }
    }
    return out
}

private func cells(where predicate: (ClimateSuiteFieldModel, Int, Double) -> Bool) throws -> [Int] {
    let run = try SimulatorFixture.run(model, "historical", 1)
    let fm = ClimateSuiteFieldModel(model: run.model, grid: run.grid)
    return (0..<run.grid.cellCount).filter { predicate(fm, $0, run.grid.latitudes[$0 / run.grid.nlon]) }
}

@Test func variabilityShrinksWhereSeaIceRetreats() throws {
    let ice = try cells { fm, k, _ in fm.seaIce[k] > 0.6 }
    let tropics = try cells { fm, k, lat in abs(lat) < 15 && fm.land[k] < 0.1 && fm.ensoTas[k] < 0.05 }
    #expect(ice.count >= 5 && tropics.count >= 5)
    let early = 0..<(50 * 12)
    let ssp = try SimulatorFixture.run(model, "ssp585", 1)
    let late = (ssp.months - 30 * 12)..<ssp.months
    let iceRatio = Stats.variance(try deviations("ssp585", "tas", months: late, cells: ice))
        / Stats.variance(try deviations("historical", "tas", months: early, cells: ice))
    let tropicsRatio = Stats.variance(try deviations("ssp585", "tas", months: late, cells: tropics))
        / Stats.variance(try deviations("historical", "tas", months: early, cells: tropics))
    // UKESM: ν = 0.6, T_ice = 1.8 K, T ≈ 6–7 K late in ssp585: variance factor ≈ 0.42 on full ice.
    #expect(iceRatio < 0.75, "sea-ice variance ratio \(iceRatio)")
    #expect(tropicsRatio > 0.8 && tropicsRatio < 1.3, "tropical ocean variance ratio \(tropicsRatio)")
}

@Test func precipitationVarianceGrowsWithWarmingAndIsSkewed() throws {
    let all = try cells { _, _, _ in true }
    let early = 0..<(50 * 12)
    let ssp = try SimulatorFixture.run(model, "ssp585", 1)
    let late = (ssp.months - 30 * 12)..<ssp.months
    let ratio = Stats.variance(try deviations("ssp585", "pr", months: late, cells: all))
        / Stats.variance(try deviations("historical", "pr", months: early, cells: all))
    #expect(ratio > 1.2, "pr variance ratio \(ratio)")
    // Skewed, gamma-like monthly pr: standardised anomalies of each cell and calendar month over
    // 1850–1899 (3 members) have clearly positive pooled skewness, and some dry months are exactly 0.
    let runs = try (1...3).map { try SimulatorFixture.run(model, "historical", $0) }
    let n = runs[0].grid.cellCount
    var pooled: [Double] = []
    for k in stride(from: 0, to: n, by: 3) {
        for month in 0..<12 {
            var x: [Double] = []
            for r in runs { for y in 0..<50 { x.append(Double(r.pr[(y * 12 + month) * n + k])) } }
            let m = Stats.mean(x), s = Stats.variance(x).squareRoot()
            if s > 0 { pooled += x.map { ($0 - m) / s } }
        }
    }
    let skew = Stats.skewness(pooled)
    #expect(skew > 0.3, "pooled pr skewness \(skew)")
    let zeros = runs[0].pr.filter { $0 == 0 }.count
    #expect(zeros > 0 && Double(zeros) < 0.05 * Double(runs[0].pr.count), "dry months \(zeros)")
}

@Test func seasonalCycleAmplitudeChangesWithWarming() throws {
    let ice = try cells { fm, k, lat in fm.seaIce[k] > 0.8 && lat > 0 }
    let runs = try (1...3).map { try SimulatorFixture.run(model, "historical", $0) }
    let ssps = try (1...3).map { try SimulatorFixture.run(model, "ssp585", $0) }
    let n = runs[0].grid.cellCount
    func amplitude(_ rs: [ClimateSuiteRun], years: Range<Int>) -> Double {
        var jan = 0.0, jul = 0.0
        for r in rs { for y in years { for k in ice {
            jan += Double(r.tas[(y * 12) * n + k]); jul += Double(r.tas[(y * 12 + 6) * n + k])
        }}}
        return (jul - jan) / Double(rs.count * years.count * ice.count)
    }
    let before = amplitude(runs, years: 0..<40), after = amplitude(ssps, years: 56..<86)
    // κ_ice = −0.085 per K for UKESM: roughly 40–50 % smaller at 5–6 K of warming.
    #expect(after < 0.8 * before, "Arctic Jul−Jan amplitude \(before) → \(after)")
    #expect(after > 0.2 * before)
}

@Test func monthToMonthAndYearToYearAutocorrelation() throws {
    let a = try SimulatorFixture.run(model, "historical", 1), b = try SimulatorFixture.run(model, "historical", 2)
    let n = a.grid.cellCount
    let fm = ClimateSuiteFieldModel(model: a.model, grid: a.grid)
    // Mid-latitude ocean cells away from the modes: lag-1 month correlation ≈ ρ_m (0.48).
    let quiet = (0..<n).filter { fm.ensoTas[$0] < 0.05 && fm.decadalTas[$0] < 0.03 && fm.seaIce[$0] < 0.05 }
    var lag1: [Double] = []
    for k in quiet {
        let d = (0..<a.months).map { Double(a.tas[$0 * n + k] - b.tas[$0 * n + k]) }
        lag1.append(Stats.lagCorrelation(d))
    }
    let r1 = Stats.mean(lag1)
    #expect(r1 > 0.3 && r1 < 0.65, "month-to-month lag-1 correlation \(r1)")
    // ENSO region: annual means keep memory from one year to the next (ρ_E = 0.93 per month).
    let enso = (0..<n).filter { fm.ensoTas[$0] > 0.5 * (fm.ensoTas.max() ?? 1) }
    #expect(!enso.isEmpty)
    var yearly: [Double] = []
    for k in enso {
        let d = (0..<(a.months / 12)).map { y in (0..<12).map { Double(a.tas[(y * 12 + $0) * n + k] - b.tas[(y * 12 + $0) * n + k]) }.reduce(0, +) / 12 }
        yearly.append(Stats.lagCorrelation(d))
    }
    let ry = Stats.mean(yearly)
    #expect(ry > 0.15, "year-to-year lag-1 correlation in the ENSO region \(ry)")
}

@Test func patternEffectAndAerosolResponseAreNonLinear() throws {
    let m = try ClimateSuiteCatalog.model(named: model)
    let grid = try m.grid(scale: 0.1)
    let fm = ClimateSuiteFieldModel(model: m, grid: grid)
    let n = grid.cellCount
    let zero = [Float](repeating: 0, count: n)
    func tas(T: Double = 1, Td: Double = 0, E: Double = 0, sai: Double = 0) -> [Double] {
        var t = [Float](repeating: 0, count: n), p = t
        t.withUnsafeMutableBufferPointer { tb in p.withUnsafeMutableBufferPointer { pb in
            fm.fields(.init(month: 0, temperature: T, deepTemperature: Td, sulfurEmissions: E, saiForcing: sai, enso: 0, decadal: 0),
                      xi: zero, eta: zero, tas: tb.baseAddress!, pr: pb.baseAddress!)
        }}
        return t.map(Double.init)
    }
    let w = grid.areaWeights
    func gmean(_ x: [Double]) -> Double { zip(x, w).reduce(0) { $0 + $1.0 * $1.1 } }
    // Pattern effect: zero global mean, warms the Southern Ocean, grows faster than T_d.
    let base = tas(), d1 = zip(tas(Td: 1), base).map { $0 - $1 }, d3 = zip(tas(Td: 3), base).map { $0 - $1 }
    #expect(abs(gmean(d1)) < 1e-4 && abs(gmean(d3)) < 1e-4)
    let so = (0..<n).filter { (-62.0)...(-48.0) ~= grid.latitudes[$0 / grid.nlon] && fm.land[$0] < 0.1 }
    #expect(so.allSatisfy { d1[$0] > 0 })
    let k = try #require(so.first)
    let ratio = d3[k] / d1[k], expected = 3 * (1 + 3 / m.fields.patternEffectScale) / (1 + 1 / m.fields.patternEffectScale)
    #expect(abs(ratio - expected) < 0.01 && ratio > 3.2, "pattern effect ratio \(ratio)")
    // Aerosol: local cooling over the source region saturates: 5× the emissions, much less than 5× the response.
    let src = (0..<n).max { fm.aerosolSource[$0] < fm.aerosolSource[$1] }!
    let r25 = tas(E: 25)[src] - base[src], r125 = tas(E: 125)[src] - base[src]
    #expect(r25 < 0 && r125 < r25)
    #expect(r125 / r25 < 0.75 * 5, "aerosol response ratio \(r125 / r25)")
    // Seasonal-cycle change: the response to T differs between January and July over sea ice (T × season).
    let iceCell = (0..<n).max { fm.seaIce[$0] < fm.seaIce[$1] }!
    #expect(abs(fm.seasonalChange[iceCell]) > 0.05)
}

@Test func patternScalingLeavesStructuredResiduals() throws {
    // A per-cell linear fit of annual ensemble-mean tas on [1, T] over historical + ssp585 leaves
    // residuals that are correlated with T_d (the slow pattern effect), which a linear world would not.
    let runs = try (1...3).map { try SimulatorFixture.run(model, "ssp585", $0) }
    let n = runs[0].grid.cellCount
    let years = runs[0].months / 12
    let fm = ClimateSuiteFieldModel(model: runs[0].model, grid: runs[0].grid)
    let so = (0..<n).filter { (-62.0)...(-48.0) ~= runs[0].grid.latitudes[$0 / runs[0].grid.nlon] && fm.land[$0] < 0.1 }
    var T = [Double](), Td = [Double](), y = [Double]()
    for yr in 0..<years {
        T.append(Stats.mean(Array(runs[0].globalTemperature[(yr * 12)..<(yr * 12 + 12)])))
        Td.append(Stats.mean(Array(runs[0].deepTemperature[(yr * 12)..<(yr * 12 + 12)])))
        var s = 0.0
        for r in runs { for m in 0..<12 { for k in so { s += Double(r.tas[(yr * 12 + m) * n + k]) } } }
        y.append(s / Double(3 * 12 * so.count))
    }
    // Least squares on [1, T].
    let mt = Stats.mean(T), my = Stats.mean(y)
    let slope = zip(T, y).reduce(0) { $0 + ($1.0 - mt) * ($1.1 - my) } / T.reduce(0) { $0 + ($1 - mt) * ($1 - mt) }
    let residual = zip(T, y).map { $1 - (my + slope * ($0 - mt)) }
    // Part of T_d not explained by T.
    let md = Stats.mean(Td)
    let b = zip(T, Td).reduce(0) { $0 + ($1.0 - mt) * ($1.1 - md) } / T.reduce(0) { $0 + ($1 - mt) * ($1 - mt) }
    let tdPart = zip(T, Td).map { $1 - (md + b * ($0 - mt)) }
    let mr = Stats.mean(residual), mp = Stats.mean(tdPart)
    let cov = zip(residual, tdPart).reduce(0) { $0 + ($1.0 - mr) * ($1.1 - mp) }
    let corr = cov / (residual.reduce(0) { $0 + ($1 - mr) * ($1 - mr) } * tdPart.reduce(0) { $0 + ($1 - mp) * ($1 - mp) }).squareRoot()
    #expect(corr > 0.5, "correlation of pattern-scaling residual with the slow deep-ocean part: \(corr)")
}

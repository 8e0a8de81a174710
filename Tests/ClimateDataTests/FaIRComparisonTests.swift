import ClimateData
import Foundation
import Testing

/// The simple climate model against FaIR 1.6.4 (PyPI `fair==1.6.4`, installed by `make test-deps`; it ships
/// RCMIP's inputs and runs offline) on an overshoot pathway this test builds: CO2 rising to 2030, net zero in
/// 2060, net negative (−12 Gt CO2/yr) from 2080; the other species follow ssp126. Not an SSP.
@Suite(.enabled(if: FaIRReference.available, "needs SPFFLOW_PYTHON (default python3) with fair==1.6.4; make test-deps installs it"))
struct FaIRComparisonTests {
    static let script = TestSupport.repoRoot.appendingPathComponent("scripts/fair_reference.py").path
    static let lastYear = 2100

    /// The pathway and FaIR's runs of it, computed once for both tests (FaIR takes tens of seconds).
    static let shared = Result { () throws -> (EmissionsPathway, [[Double]]) in
        let pathway = try overshoot(RCMIPTestSupport.extract())
        return (pathway, try fair(pathway))
    }

    /// The overshoot pathway: RCMIP's history, then our CO2, ssp126's other species.
    static func overshoot(_ rcmip: RCMIPForcingData) throws -> EmissionsPathway {
        var pathway = try EmissionsPathway(rcmip: rcmip, scenario: "ssp126", through: lastYear)
        func ramp(_ start: Double, _ knots: [(Int, Double)]) -> (Int) -> Double {
            { year in
                var (y0, v0) = (2015, start)
                for (y1, v1) in knots {
                    if year <= y1 { return v0 + Double(year - y0) / Double(y1 - y0) * (v1 - v0) }
                    (y0, v0) = (y1, v1)
                }
                return v0
            }
        }
        let fossil = try rcmip.emissions.series(scenario: "ssp126", variable: EmissionSpecies.co2FossilIndustrial.variable)
            .annual(from: 1750, through: lastYear)
        let afolu = try #require(pathway.emissions[.co2AFOLU])
        let i2015 = 2015 - 1750
        let f = ramp(fossil[i2015], [(2030, 42_000), (2060, 0), (2080, -12_000), (2100, -12_000)])
        let l = ramp(afolu[i2015], [(2050, 0), (2100, -2_000)])
        var newFossil = fossil, newAFOLU = afolu
        for year in 2016...lastYear { newFossil[year - 1750] = f(year); newAFOLU[year - 1750] = l(year) }
        pathway.emissions[.co2FossilIndustrial] = newFossil
        pathway.emissions[.co2AFOLU] = newAFOLU
        pathway.emissions[.co2] = zip(newFossil, newAFOLU).map { $0 + $1 }
        return pathway
    }

    /// FaIR's four output lines for the pathway (from 1765).
    static func fair(_ pathway: EmissionsPathway) throws -> [[Double]] {
        var input = ""
        let order: [EmissionSpecies] = [.co2FossilIndustrial, .co2AFOLU, .ch4, .n2o, .sulfur, .co, .voc, .nox, .bc, .oc, .nh3]
        for year in 1765...lastYear {
            input += "\(year) " + order.map { String(pathway.emissions[$0]?[year - 1750] ?? .nan) }.joined(separator: " ") + "\n"
        }
        let out = try TestSupport.run(TestSupport.python, [script, "ssp126"], stdin: Data(input.utf8))
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\n").map { $0.split(separator: " ").compactMap { Double($0) } }
        try #require(lines.count == 4 && lines.allSatisfy { $0.count == lastYear - 1765 + 1 })
        return lines
    }

    /// Structure: with FaIR 1.6's own parameters, our carbon cycle and temperature response, stepped the way FaIR
    /// steps them, reproduce FaIR's CO2-only run. Tolerance 1e-5 ppm and 1e-6 K: the two differ only in how α is
    /// solved (our bisection to machine precision in log α, scipy's root finder to about 1.5e-8 relative), which
    /// moves CO2 by well under 1e-6 ppm (measured: 5e-8 ppm, 5e-10 K over 1765–2100).
    @Test func carbonCycleAndTemperatureMatchFaIRWithItsParameters() throws {
        let (pathway, reference) = try Self.shared.get()
        let emissions = (1765...Self.lastYear).map { y in
            ((pathway.emissions[.co2FossilIndustrial]?[y - 1750] ?? 0) + (pathway.emissions[.co2AFOLU]?[y - 1750] ?? 0)) * 12.01 / 44.01 / 1000
        }
        var cycle = CarbonCycle(parameters: .fair16, firstYearEmissions: emissions[0])
        var thermal = ThermalResponse()
        func forcing(_ c: Double) -> Double { 3.71 / log(2) * log(c / 278) }
        thermal.start(forcing: forcing(cycle.concentration))
        var worstC = abs(cycle.concentration - reference[0][0]), worstT = abs(thermal.temperature - reference[1][0])
        for t in 1..<emissions.count {
            let c = cycle.step(emissions: emissions[t], temperature: thermal.temperature)
            let temperature = thermal.step(forcing: forcing(c))
            worstC = max(worstC, abs(c - reference[0][t]))
            worstT = max(worstT, abs(temperature - reference[1][t]))
        }
        print("fair comparison (CO2 only, FaIR's parameters): largest differences \(worstC) ppm, \(worstT) K")
        #expect(worstC < 1e-5, "largest CO2 difference from FaIR: \(worstC) ppm")
        #expect(worstT < 1e-6, "largest temperature difference from FaIR: \(worstT) K")
        // The pathway overshoots: FaIR's CO2 peaks, then falls by more than 20 ppm by 2100.
        let peak = try #require(reference[0].max())
        #expect(peak - reference[0][Self.lastYear - 1765] > 20)
    }

    /// The calibrated model against FaIR 1.6.4's defaults, multi-gas, on the same pathway. The two are calibrated
    /// differently: on the eight SSPs FaIR 1.6.4's total ERF is 0.30 W m-2 RMS from RCMIP's (2015–2100) where ours is
    /// 0.13, and FaIR's history is emissions-driven (its 2014 CO2 is 11 ppm above the observed 397.5) where ours
    /// starts from the observed atmosphere. So the tolerances are those of two models, not of one implementation:
    /// total ERF within 0.5 W m-2 RMS over 2015–2100, the CO2 peak within 5 years and 20 ppm of FaIR's, and the
    /// decline from the peak to 2100 within 30 % of FaIR's.
    @Test func overshootFollowsFaIR() throws {
        let (pathway, reference) = try Self.shared.get()
        let ours = SimpleClimateModel().run(pathway)
        let years = 2015...Self.lastYear
        let ourCO2 = years.map { ours.co2[$0 - 1750] }, theirCO2 = years.map { reference[2][$0 - 1765] }
        let ourERF = years.map { ours.totalForcing[$0 - 1750] }, theirERF = years.map { reference[3][$0 - 1765] }
        let rms = (zip(ourERF, theirERF).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(years.count)).squareRoot()
        let ourPeak = try #require(ourCO2.indices.max { ourCO2[$0] < ourCO2[$1] })
        let theirPeak = try #require(theirCO2.indices.max { theirCO2[$0] < theirCO2[$1] })
        let ourDecline = ourCO2[ourPeak] - ourCO2[ourCO2.count - 1], theirDecline = theirCO2[theirPeak] - theirCO2[theirCO2.count - 1]
        print("fair comparison (overshoot): ERF RMS \(rms) W m-2; CO2 peak \(ourCO2[ourPeak]) ppm in \(2015 + ourPeak) vs FaIR \(theirCO2[theirPeak]) in \(2015 + theirPeak); decline to 2100 \(ourDecline) vs \(theirDecline) ppm; ERF 2100 \(ourERF.last ?? 0) vs \(theirERF.last ?? 0)")
        #expect(rms < 0.5, "total ERF RMS difference from FaIR: \(rms) W m-2")
        #expect(abs(ourPeak - theirPeak) <= 5)
        #expect(abs(ourCO2[ourPeak] - theirCO2[theirPeak]) < 20)
        #expect(abs(ourDecline - theirDecline) < 0.3 * theirDecline)
    }
}

/// Whether the FaIR reference can run.
enum FaIRReference {
    static let available: Bool =
        (try? TestSupport.run(TestSupport.python, ["-c", "import fair, sys; sys.exit(fair.__version__ != '1.6.4')"])) != nil
}

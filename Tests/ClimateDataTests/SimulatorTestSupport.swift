import Foundation
import ClimateData

/// A small ClimateSuite simulation shared by the simulator tests (computed once): UKESM1-0-LL
/// and NorESM2-LM at a tenth of their native resolution, 3 members, all experiments 1850–2100.
enum SimulatorFixture {
    /// Runs keyed by "model/experiment/member".
    static let runs: [String: ClimateSuiteRun] = {
        var out: [String: ClimateSuiteRun] = [:]
        do {
            let config = ClimateSuiteConfiguration(models: ["UKESM1-0-LL", "NorESM2-LM"], members: 3, gridScale: 0.1, seed: 7)
            let sim = try ClimateSuiteSimulator(configuration: config, forcing: RCMIPTestSupport.extract())
            for name in config.models {
                let model = try ClimateSuiteCatalog.model(named: name)
                for member in 1...config.members {
                    try sim.simulate(model: model, member: member) { run in
                        out["\(name)/\(run.experiment)/\(member)"] = run
                    }
                }
            }
        } catch {
            print("simulator fixture failed: \(error)")
        }
        return out
    }()

    /// The run of `model`, `experiment`, `member`.
    static func run(_ model: String, _ experiment: String, _ member: Int) throws -> ClimateSuiteRun {
        guard let r = runs["\(model)/\(experiment)/\(member)"] else {
            throw SimulatorError(.badParameter, "fixture has no \(model)/\(experiment)/\(member)")
        }
        return r
    }
}

/// Small statistics helpers.
enum Stats {
    static func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(max(1, x.count)) }
    static func variance(_ x: [Double]) -> Double {
        let m = mean(x)
        return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(1, x.count - 1))
    }
    static func skewness(_ x: [Double]) -> Double {
        let m = mean(x), s = variance(x).squareRoot()
        return x.reduce(0) { $0 + pow(($1 - m) / s, 3) } / Double(x.count)
    }
    static func lagCorrelation(_ x: [Double], lag: Int = 1) -> Double {
        let m = mean(x)
        var num = 0.0, den = 0.0
        for i in 0..<x.count {
            den += (x[i] - m) * (x[i] - m)
            if i + lag < x.count { num += (x[i] - m) * (x[i + lag] - m) }
        }
        return num / den
    }
}

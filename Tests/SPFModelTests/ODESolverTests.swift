import Foundation
import Testing
import SPFModel

/// The stage ODE solvers: the midpoint rule is second order where Euler is first, and with the exact velocity of
/// Gaussian data a few midpoint steps keep the ensemble spread that as many Euler network passes lose.
@Suite struct ODESolverTests {
    /// dx/du = λ·x: from x0 = 1 over a window [0, 1] the exact end point is exp(λ).
    struct Linear: VelocityField {
        let rate: Float
        func velocity(_ x: [Float], tau: [Double], context: StageContext) throws -> [Float] { x.map { rate * $0 } }
    }

    /// A one-item, one-value stage context (the solvers only read its shape).
    static func context() throws -> StageContext {
        let forcing = try ForcingSeries(startYear: 2020, months: 12, griddedChannels: 0, height: 1, width: 1,
                                        gridded: [], globalChannels: 1, global: [Float](repeating: 0, count: 12))
        let path = PyramidPath(levels: [0])
        return StageContext.build(stage: 0, timescale: .yearly, path: path,
                                  shape: FieldShape(items: 1, frames: 1, channels: 1, height: 1, width: 1),
                                  frameStart: [2020 * 12], source: [0], forcing: forcing)
    }

    @Test func midpointIsSecondOrderAndEulerFirst() throws {
        let ctx = try Self.context()
        let window = StageWindow(start: 0, end: 1, blockSize: 1)
        let field = Linear(rate: -1.5)
        let exact = Float(exp(-1.5))
        func error(_ solver: ODESolver, _ steps: Int) throws -> Float {
            abs(try solver.integrate([1], window: window, steps: steps, context: ctx, velocity: field)[0] - exact)
        }
        // Halving the step divides the error by about 2 (Euler) and about 4 (midpoint).
        let euler = try error(.euler, 8) / error(.euler, 16)
        let midpoint = try error(.midpoint, 8) / error(.midpoint, 16)
        #expect(euler > 1.8 && euler < 2.2, "Euler error ratio \(euler)")
        #expect(midpoint > 3.6 && midpoint < 4.4, "midpoint error ratio \(midpoint)")
        // One midpoint step is the second-order Taylor polynomial: 1 + λ + λ²/2.
        let one = try ODESolver.midpoint.integrate([1], window: window, steps: 1, context: ctx, velocity: field)[0]
        #expect(abs(one - Float(1 - 1.5 + 1.125)) < 1e-6)
        #expect(ODESolver.euler.evaluationsPerStep == 1 && ODESolver.midpoint.evaluationsPerStep == 2)
        #expect(throws: SPFModelError.self) { try ODESolver.midpoint.integrate([1], window: window, steps: 0, context: ctx, velocity: field) }
    }

    /// The ratio of the sampled to the exact latent standard deviation at the end of the monthly path, averaged
    /// over the latent's values (exact Gaussian velocity, 1,500 members).
    static func spreadRatio(solver: ODESolver, steps: Int) throws -> Double {
        var config = PyramidConfig.decadalYearlyMonthly(height: 4, width: 4, variables: ["tas"])
        config.stepsPerStage = [steps, steps, steps]
        let sampler = try PyramidSampler(config: config, solver: solver)
        let exact = GaussianExactVelocity(config: config, firstMonth: 2020 * 12, months: 120, seed: 5)
        let forcing = try ForcingSeries(startYear: 2020, months: 120, griddedChannels: 0, height: 4, width: 4,
                                        gridded: [], globalChannels: 1, global: [Float](repeating: 0, count: 120))
        let request = SamplingRequest(scenario: "toy", startYear: 2023, years: 1, target: .monthly,
                                      members: Array(0..<1500), source: 0, seed: 11, decadeOriginYear: 2020)
        let state = try sampler.sample(request, forcing: forcing, velocity: exact)
        let info = state.info
        let ctx = StageContext.build(stage: 2, timescale: .monthly, path: info.path, shape: info.shape,
                                     frameStart: info.itemFrameStart, source: Array(repeating: 0, count: info.shape.items),
                                     forcing: forcing)
        let (_, cov, d) = exact.endMoments(context: ctx)
        let n = info.shape.items
        var ratio = 0.0
        for r in 0..<d {
            var m = 0.0, v = 0.0
            for i in 0..<n { m += Double(state.latent[i * d + r]) }
            m /= Double(n)
            for i in 0..<n { let e = Double(state.latent[i * d + r]) - m; v += e * e }
            ratio += (v / Double(n - 1)).squareRoot() / cov[r * d + r].squareRoot()
        }
        return ratio / Double(d)
    }

    @Test func fewMidpointStepsKeepTheSpreadThatEulerLoses() throws {
        // Six network passes per stage either way.
        let midpoint = try Self.spreadRatio(solver: .midpoint, steps: 3)
        let euler = try Self.spreadRatio(solver: .euler, steps: 6)
        #expect(abs(midpoint - 1) < 0.04, "midpoint spread ratio \(midpoint)")
        #expect(euler < 0.93, "Euler spread ratio \(euler)")
        #expect(abs(midpoint - 1) < 0.5 * abs(euler - 1), "midpoint \(midpoint) vs Euler \(euler)")
    }
}

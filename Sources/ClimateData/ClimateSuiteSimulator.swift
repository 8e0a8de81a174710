import Foundation

/// Generates the ClimateSuite stand-in: for every model and member, one chain
/// historical → each scenario (branching from the end of 2014) → G6sulfur (branching from
/// ssp585 at the start of 2020), like CMIP6 runs branch from their parents.
///
/// Global temperature comes from the model's two-layer energy balance driven by the RCMIP total
/// effective radiative forcing of the experiment (spun up from 1750; the SAI experiment
/// subtracts ε_SAI × efficiency × AOD), one forward-Euler step per month with the year's forcing.
/// Fields follow `ClimateSuiteFieldModel`. Every random number comes from a counter-based
/// stream keyed by (seed, model, experiment, member, purpose) and the month index, so members are
/// independent, experiments diverge at their branch point, and the output is bit-identical for
/// any thread count or order.
public struct ClimateSuiteSimulator: Sendable {
    /// What to generate.
    public let configuration: ClimateSuiteConfiguration
    /// RCMIP emissions and forcing.
    public let forcing: RCMIPForcingData

    /// Creates a simulator; validates the configuration and that the forcing covers it.
    public init(configuration: ClimateSuiteConfiguration, forcing: RCMIPForcingData) throws(SimulatorError) {
        try configuration.validate()
        self.configuration = configuration
        self.forcing = forcing
    }

    /// The chain state carried from a parent experiment to its children.
    struct ChainState: Sendable {
        var ebm: EnergyBalanceModel
        var tasNoise: ClimateSuiteNoise.State
        var prNoise: ClimateSuiteNoise.State
        var enso: Double
        var decadal: Double
    }

    /// Annual drivers of one experiment: ERF for the energy balance, SO2 emissions, SAI forcing.
    struct AnnualDrivers: Sendable {
        var firstYear: Int
        var erf: [Double]
        var sulfur: [Double]
        var saiForcing: [Double]
    }

    /// Annual drivers for `experiment` over `years` for `model`.
    func drivers(_ experiment: String, years: ClosedRange<Int>, model: ClimateSuiteModel) throws(SimulatorError) -> AnnualDrivers {
        do {
            let scenario = try ForcingScenario.forExperiment(experiment)
            var erf = try forcing.joined("Effective Radiative Forcing", scenario: scenario, from: years.lowerBound, through: years.upperBound)
            let sulfur = try forcing.joined("Emissions|Sulfur", scenario: scenario, from: years.lowerBound, through: years.upperBound)
            var sai = [Double](repeating: 0, count: erf.count)
            if let injection = scenario.sai {
                let aod = try injection.aod(from: years.lowerBound, through: years.upperBound, forcing: forcing.forcing)
                for k in 0..<erf.count {
                    sai[k] = model.fields.saiEfficacy * injection.efficiency * aod[k]
                    erf[k] -= sai[k]
                }
            }
            return AnnualDrivers(firstYear: years.lowerBound, erf: erf, sulfur: sulfur, saiForcing: sai)
        } catch {
            throw SimulatorError(.forcing, "\(model.sourceID) \(experiment): \(error)")
        }
    }

    /// Runs one model–member chain, handing each requested experiment's run to `emit` as soon as
    /// it is complete (so only one run is held in memory at a time).
    public func simulate(model: ClimateSuiteModel, member: Int, emit: (ClimateSuiteRun) throws -> Void) throws {
        let config = configuration
        let grid = try model.grid(scale: config.gridScale)
        let fieldModel = ClimateSuiteFieldModel(model: model, grid: grid)
        let noise = ClimateSuiteNoise(grid: grid)
        let wanted = config.experiments(for: model.sourceID)
        let memberLabel = "r\(member)"
        let initStream = SimulatorRandom.stream(config.seed, [model.sourceID, memberLabel, "init"])

        // Spin-up: energy balance from 1750 (RCMIP's pre-industrial reference) to the first year.
        var ebm = EnergyBalanceModel(model.energyBalance)
        if config.firstYear > 1750 {
            let spin = try drivers("historical", years: 1750...(config.firstYear - 1), model: model)
            for f in spin.erf { for _ in 0..<12 { ebm.step(forcing: f, years: 1.0 / 12) } }
        }
        var state = ChainState(
            ebm: ebm, tasNoise: noise.initialState(initStream.child("tas")), prNoise: noise.initialState(initStream.child("pr")),
            enso: initStream.normal(1), decadal: initStream.normal(2))

        let historical = try runExperiment("historical", years: config.years(of: "historical"), fieldModel: fieldModel,
                                           noise: noise, member: member, state: &state, snapshotYear: nil, keep: wanted.contains("historical"))
        if let run = historical.run { try emit(run) }
        let branch = state
        var scenarios = wanted.filter { $0 != "historical" && $0 != SAIInjection.g6sulfur.experiment }
        let wantsSAI = wanted.contains(SAIInjection.g6sulfur.experiment)
        if wantsSAI && !scenarios.contains(SAIInjection.g6sulfur.emissionsScenario) {
            scenarios.append(SAIInjection.g6sulfur.emissionsScenario)
        }
        for scenario in scenarios {
            var s = branch
            let isParent = wantsSAI && scenario == SAIInjection.g6sulfur.emissionsScenario
            let result = try runExperiment(scenario, years: config.years(of: scenario), fieldModel: fieldModel, noise: noise,
                                           member: member, state: &s,
                                           snapshotYear: isParent ? SAIInjection.g6sulfur.startYear : nil,
                                           keep: wanted.contains(scenario))
            if let run = result.run { try emit(run) }
            if isParent, var saiState = result.snapshot {
                let sai = try runExperiment(SAIInjection.g6sulfur.experiment, years: config.years(of: SAIInjection.g6sulfur.experiment),
                                            fieldModel: fieldModel, noise: noise, member: member, state: &saiState,
                                            snapshotYear: nil, keep: true)
                if let run = sai.run { try emit(run) }
            }
        }
    }

    /// Integrates one experiment month by month from `state`; returns the run when `keep` and
    /// the state at the start of `snapshotYear` when asked.
    func runExperiment(_ experiment: String, years: ClosedRange<Int>, fieldModel: ClimateSuiteFieldModel,
                       noise: ClimateSuiteNoise, member: Int, state: inout ChainState, snapshotYear: Int?,
                       keep: Bool) throws(SimulatorError) -> (run: ClimateSuiteRun?, snapshot: ChainState?) {
        let model = fieldModel.model
        let p = model.fields
        let d = try drivers(experiment, years: years, model: model)
        let n = fieldModel.grid.cellCount
        let months = years.count * 12
        let base = SimulatorRandom.stream(configuration.seed, [model.sourceID, experiment, "r\(member)"])
        let tasStream = base.child("tas"), prStream = base.child("pr")
        let ensoStream = base.child("enso"), decadalStream = base.child("decadal")
        var tas = keep ? [Float](repeating: 0, count: months * n) : []
        var pr = keep ? [Float](repeating: 0, count: months * n) : []
        var temperature = [Double](), deep = [Double](), erfOut = [Double]()
        temperature.reserveCapacity(months)
        deep.reserveCapacity(months)
        erfOut.reserveCapacity(months)
        var xi = [Float](repeating: 0, count: n), eta = xi, scratch = xi
        var tasField = xi, prField = xi
        var snapshot: ChainState? = nil
        let rhoE = p.ensoAutocorrelation, rhoD = p.decadalAutocorrelation
        for t in 0..<months {
            let yearIndex = t / 12, month = t % 12
            if let y = snapshotYear, month == 0, years.lowerBound + yearIndex == y { snapshot = state }
            let frame = UInt64(t)
            state.ebm.step(forcing: d.erf[yearIndex], years: 1.0 / 12)
            state.enso = rhoE * state.enso + (1 - rhoE * rhoE).squareRoot() * ensoStream.normal(frame)
            state.decadal = rhoD * state.decadal + (1 - rhoD * rhoD).squareRoot() * decadalStream.normal(frame)
            noise.advance(&state.tasNoise, rho: p.monthlyAutocorrelation, whiteShare: p.whiteShare, stream: tasStream,
                          frame: frame, scratch: &scratch, out: &xi)
            noise.advance(&state.prNoise, rho: p.precipitationAutocorrelation, whiteShare: p.whiteShare, stream: prStream,
                          frame: frame, scratch: &scratch, out: &eta)
            temperature.append(state.ebm.temperature)
            deep.append(state.ebm.deepTemperature)
            erfOut.append(d.erf[yearIndex])
            guard keep else { continue }
            let drivers = ClimateSuiteFieldModel.Drivers(
                month: month, temperature: state.ebm.temperature, deepTemperature: state.ebm.deepTemperature,
                sulfurEmissions: d.sulfur[yearIndex], saiForcing: d.saiForcing[yearIndex], enso: state.enso,
                decadal: state.decadal)
            tasField.withUnsafeMutableBufferPointer { tp in prField.withUnsafeMutableBufferPointer { pp in
                if let tb = tp.baseAddress, let pb = pp.baseAddress {
                    fieldModel.fields(drivers, xi: xi, eta: eta, tas: tb, pr: pb)
                }
            }}
            tas.replaceSubrange((t * n)..<((t + 1) * n), with: tasField)
            pr.replaceSubrange((t * n)..<((t + 1) * n), with: prField)
        }
        if let y = snapshotYear, snapshot == nil, y == years.upperBound + 1 { snapshot = state }
        guard keep else { return (nil, snapshot) }
        let run = ClimateSuiteRun(model: model, experiment: experiment, member: member, firstYear: years.lowerBound,
                                  lastYear: years.upperBound, grid: fieldModel.grid, tas: tas, pr: pr,
                                  globalTemperature: temperature, deepTemperature: deep, forcing: erfOut)
        return (run, snapshot)
    }

    /// Runs every model–member chain on up to `threads` threads (static round-robin assignment,
    /// so the output does not depend on timing); `emit` must be safe to call concurrently.
    public func run(threads: Int, emit: @Sendable (ClimateSuiteRun) throws -> Void) throws {
        let models = try configuration.models.map { (name: String) throws(SimulatorError) -> ClimateSuiteModel in
            try ClimateSuiteCatalog.model(named: name)
        }
        let chains = models.flatMap { m in (1...configuration.members).map { (m, $0) } }
        let workers = max(1, min(threads, chains.count))
        let failures = FailureBox()
        let simulator = self
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for c in stride(from: worker, to: chains.count, by: workers) {
                if failures.first != nil { return }
                do {
                    try simulator.simulate(model: chains[c].0, member: chains[c].1, emit: emit)
                } catch {
                    failures.record(error)
                    return
                }
            }
        }
        if let error = failures.first { throw error }
    }
}

/// The first error raised by any worker.
final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?

    /// Records `e` unless an error is already recorded.
    func record(_ e: Error) {
        lock.lock()
        if error == nil { error = e }
        lock.unlock()
    }

    /// The recorded error.
    var first: Error? {
        lock.lock()
        defer { lock.unlock() }
        return error
    }
}

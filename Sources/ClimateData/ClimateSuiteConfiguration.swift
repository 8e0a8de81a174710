/// What the ClimateSuite simulator generates: which models, experiments and members, on grids
/// scaled from the native ones by `gridScale`, over `firstYear` (historical start) to `lastYear`
/// (scenario end), from `seed`.
public struct ClimateSuiteConfiguration: Sendable, Hashable {
    /// CMIP6 source_ids (default: all ten).
    public var models: [String]
    /// Experiments: any of historical, ssp126, ssp245, ssp370, ssp585, G6sulfur (the SAI
    /// experiment, generated only for the models in `ClimateSuiteCatalog.saiModels`).
    public var experiments: [String]
    /// Members per model and experiment.
    public var members: Int
    /// Grid scale factor per axis relative to each model's native grid, in (0, 1].
    public var gridScale: Double
    /// First historical year (the energy balance is spun up from 1750 with RCMIP forcing).
    public var firstYear: Int
    /// Last scenario year.
    public var lastYear: Int
    /// Seed of every random stream.
    public var seed: UInt64

    /// The last historical year (CMIP6).
    public static let lastHistoricalYear = 2014

    /// Creates a configuration.
    public init(models: [String] = ClimateSuiteCatalog.models.map(\.sourceID),
                experiments: [String] = ["historical"] + ClimateSuiteCatalog.scenarioExperiments + [SAIInjection.g6sulfur.experiment],
                members: Int = 3, gridScale: Double = 0.25, firstYear: Int = 1850, lastYear: Int = 2100, seed: UInt64 = 20_240_601) {
        self.models = models
        self.experiments = experiments
        self.members = members
        self.gridScale = gridScale
        self.firstYear = firstYear
        self.lastYear = lastYear
        self.seed = seed
    }

    /// The default scale of the main job: all models and experiments, 3 members, quarter grids.
    public static let standard = ClimateSuiteConfiguration()

    /// Checks names and ranges.
    public func validate() throws(SimulatorError) {
        guard !models.isEmpty else { throw SimulatorError(.badParameter, "no models selected") }
        for m in models { _ = try ClimateSuiteCatalog.model(named: m) }
        guard Set(models).count == models.count else { throw SimulatorError(.badParameter, "a model is listed twice") }
        let known = ["historical"] + ClimateSuiteCatalog.scenarioExperiments + [SAIInjection.g6sulfur.experiment]
        guard !experiments.isEmpty else { throw SimulatorError(.badParameter, "no experiments selected") }
        for e in experiments where !known.contains(e) {
            throw SimulatorError(.badParameter, "unknown experiment '\(e)' (known: \(known.joined(separator: ", ")))")
        }
        guard members >= 1 && members <= 50 else { throw SimulatorError(.badParameter, "members \(members) not in 1...50") }
        guard gridScale > 0 && gridScale <= 1 else { throw SimulatorError(.badParameter, "grid scale \(gridScale) not in (0, 1]") }
        guard firstYear >= 1751 && firstYear <= Self.lastHistoricalYear else {
            throw SimulatorError(.badParameter, "first year \(firstYear) not in 1751...\(Self.lastHistoricalYear)")
        }
        let scenarios = experiments.filter { $0 != "historical" }
        if !scenarios.isEmpty && !(lastYear > Self.lastHistoricalYear && lastYear <= 2100) {
            throw SimulatorError(.badParameter, "last year \(lastYear) must be in 2015...2100 for scenario experiments")
        }
        if experiments.contains(SAIInjection.g6sulfur.experiment) && lastYear < SAIInjection.g6sulfur.startYear {
            throw SimulatorError(.badParameter, "\(SAIInjection.g6sulfur.experiment) starts in \(SAIInjection.g6sulfur.startYear); last year \(lastYear) is earlier")
        }
    }

    /// Year range of an experiment's output.
    public func years(of experiment: String) -> ClosedRange<Int> {
        switch experiment {
        case "historical": return firstYear...Self.lastHistoricalYear
        case SAIInjection.g6sulfur.experiment: return SAIInjection.g6sulfur.startYear...lastYear
        default: return (Self.lastHistoricalYear + 1)...lastYear
        }
    }

    /// The (model, experiment) pairs generated: G6sulfur only for SAI models.
    public func experiments(for model: String) -> [String] {
        experiments.filter { $0 != SAIInjection.g6sulfur.experiment || ClimateSuiteCatalog.saiModels.contains(model) }
    }

    /// Model-years of monthly output this configuration generates.
    public var modelYears: Int {
        models.reduce(0) { total, m in
            total + experiments(for: m).reduce(0) { $0 + years(of: $1).count } * members
        }
    }
}

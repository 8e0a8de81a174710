/// How an experiment maps onto RCMIP scenarios: historical years (≤ `lastHistoricalYear`) come
/// from `historicalScenario`'s row (every RCMIP SSP row carries the same history), later years
/// from `scenario`'s row, and `sai` adds the stratospheric-aerosol injection.
public struct ForcingScenario: Sendable, Hashable {
    /// Experiment id (CMIP6 spelling), e.g. "historical", "ssp245", "G6sulfur".
    public var experiment: String
    /// RCMIP scenario for years after the historical period; `nil` for historical-only.
    public var scenario: String?
    /// RCMIP scenario whose row supplies the historical years.
    public var historicalScenario: String
    /// Last historical year (CMIP6: 2014).
    public var lastHistoricalYear: Int
    /// The SAI definition when this is an SAI experiment.
    public var sai: SAIInjection?

    /// Creates a mapping explicitly.
    public init(experiment: String, scenario: String?, historicalScenario: String = "ssp245",
                lastHistoricalYear: Int = 2014, sai: SAIInjection? = nil) {
        self.experiment = experiment
        self.scenario = scenario
        self.historicalScenario = historicalScenario
        self.lastHistoricalYear = lastHistoricalYear
        self.sai = sai
    }

    /// The mapping for a CMIP6 experiment id: `historical`, any `ssp…` RCMIP scenario, or
    /// `G6sulfur` (GeoMIP: ssp585 emissions with sulfate injection holding ssp245's forcing).
    public static func forExperiment(_ experiment: String) throws(ForcingError) -> ForcingScenario {
        switch experiment {
        case "historical":
            return ForcingScenario(experiment: experiment, scenario: nil)
        case SAIInjection.g6sulfur.experiment:
            return ForcingScenario(experiment: experiment, scenario: SAIInjection.g6sulfur.emissionsScenario,
                                   sai: .g6sulfur)
        default:
            guard experiment.hasPrefix("ssp") else {
                throw ForcingError(.badSpecification,
                                   "experiment '\(experiment)' has no forcing mapping (historical, ssp…, \(SAIInjection.g6sulfur.experiment))")
            }
            return ForcingScenario(experiment: experiment, scenario: experiment)
        }
    }

    /// The RCMIP scenario row to read for `year`.
    public func rcmipScenario(for year: Int) throws(ForcingError) -> String {
        if year <= lastHistoricalYear { return historicalScenario }
        guard let s = scenario else {
            throw ForcingError(.missingYears, "\(experiment): year \(year) is after the historical period (\(lastHistoricalYear))")
        }
        return s
    }
}

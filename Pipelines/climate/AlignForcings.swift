import ClimateData
import Foundation
import SPFEngine

/// `climate.align-forcings`: the forcing vector of every frame of one ESM dataset, in that ESM's
/// calendar, plus its calendar-weighted yearly and decadal means (the same weights as the fields).
///
/// Input `data` (optional): a curated dataset object carrying dataset `time` (float64 [T]),
/// optionally `time_bnds` (float64 [T, 2]), and attributes `calendar`, `time_units` and
/// `experiment` (or `experiment_id`) — the form `climate.curate` and `climate.regrid` store. Without it, a monthly axis is built from params `calendar`, `time_units`,
/// `first_year` and `last_year`. Input `maps` (optional): gridded annual forcing maps on the field
/// grid, one float32 dataset [years, nlat, nlon] per map with attribute `first_year`.
///
/// Output datasets, for P in monthly, yearly, decadal: `forcing_P` (float32 [T_P, V]),
/// `time_P` (float64 [T_P]), `time_bnds_P` (float64 [T_P, 2]), and `map_<name>_P` (float32
/// [T_P, nlat, nlon]) per map. Attributes: `forcing_names`, `forcing_units` (JSON lists),
/// `calendar`, `time_units`, `experiment_id`.
///
/// A scenario from the user: param `scenario_file` (an IAMC CSV) supplies the years after 2014 of scenario
/// `scenario` (default: the experiment), and the total ERF when it has it (else the simple climate model computes it
/// from the file's emissions); attributes `scenario_erf` and `scenario_infilled` say which. Param `series_file` adds
/// the columns of a plain CSV series (year[, month], units row) as extra channels; with `forcings: []` the series are
/// the whole vector (an archive's own forcing, for an experiment RCMIP does not know), and attribute `series_file` names it.
public struct AlignForcings: NodeKind {
    /// Kind name.
    public static let name = "climate.align-forcings"
    /// Implementation version (2: `forcings: []` takes the vector from `series_file` alone; attribute `series_file`).
    public static let version = 2
    /// Summary.
    public static let summary = "Forcing vectors (RCMIP, ClimateBench set + SAI AOD) on an ESM's frames, calendar-weighted yearly/decadal."
    /// Params.
    public struct Params: ParamSet {
        @Param("forcings", doc: "forcing names: co2_cumulative, ch4, so2, bc, aod, erf, rcmip:<Variable>; empty: only the series_file columns")
        public var forcings = ForcingSet.climateBench.names
        @Param("experiment", doc: "experiment id (default: the input's experiment_id)")
        public var experiment = ""
        @Param("calendar", doc: "CF calendar when there is no input")
        public var calendar = ""
        @Param("time_units", doc: "time units when there is no input")
        public var timeUnits = "days since 1850-01-01"
        @Param("first_year", doc: "first year when there is no input (0: the experiment's)")
        public var firstYear = 0
        @Param("last_year", doc: "last year when there is no input (0: the experiment's)")
        public var lastYear = 0
        @Param("rcmip_dir", doc: "directory with the RCMIP extract (default: found from the working directory)")
        public var rcmipDir = ""
        @Param("scenario_file",
               doc: "IAMC scenario file (Model, Scenario, Region, Variable, Unit, years): years after 2014 come from it; ERF from its emissions when it has none")
        public var scenarioFile: ParamPath = ""
        @Param("scenario", doc: "scenario name in scenario_file (default: the experiment)")
        public var scenario = ""
        @Param("scenario_background",
               doc: "RCMIP SSP whose rows fill what scenario_file lacks besides CO2, CH4, Sulfur and BC (listed in attribute scenario_infilled)")
        public var scenarioBackground = "ssp245"
        @Param("series_file", doc: "CSV of extra channels: year[, month], named columns, a units row")
        public var seriesFile: ParamPath = ""
        @Param("series", doc: "columns of series_file to add to the vector (default: all)")
        public var series: [String] = []

        /// The declarations.
        public init() {}

        /// An empty `forcings` list takes the whole vector from `series_file`, which must then be given. The scenario file and
        /// the series file are read when the manifest loads: the scenario is in the file, with the variables it needs in
        /// units spfflow converts; the series' columns are there (errors name the file, the line and the variable).
        public func validate() throws(ParamProblem) {
            try checkFiles()
            guard forcings.isEmpty else { return }
            if seriesFile.path.isEmpty {
                throw $forcings.problem("is empty and no series_file is given: list RCMIP forcings, or give the forcing as a CSV series (series_file)")
            }
            if !scenarioFile.path.isEmpty {
                throw $forcings.problem("is empty, so scenario_file would not be used: list the forcings to take from it")
            }
        }

        /// The first problem with the contents of `scenario_file` and `series_file`, if any.
        func checkFiles() throws(ParamProblem) {
            if !scenarioFile.path.isEmpty {
                let name = scenario.isEmpty ? experiment : scenario
                do {
                    let file = try IAMCScenarioFile(contentsOf: URL(fileURLWithPath: scenarioFile.path)).scenario(name)
                    try ScenarioFileForcing.check(file)
                } catch {
                    throw name.isEmpty || "\(error)".contains("no scenario") ? $scenario.problem("\(error)") : $scenarioFile.problem("\(error)")
                }
            }
            if !seriesFile.path.isEmpty {
                do {
                    let file = try CSVSeriesFile(contentsOf: URL(fileURLWithPath: seriesFile.path))
                    for column in series { _ = try file.column(column) }
                } catch {
                    throw $seriesFile.problem("\(error)")
                }
            }
        }
    }
    /// Output schema.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.alignedForcing)
    /// Inputs.
    public static let inputs = [
        InputSpec("data", optional: true, [PipelineObjects.curatedField], doc: "curated dataset with time, time_bnds, calendar, time_units, experiment"),
        InputSpec("maps", optional: true, doc: "gridded annual forcing maps [years, nlat, nlon] with attribute first_year"),
    ]
    /// Makes the kind.
    public init() {}

    /// Aligns and aggregates.
    public func run(_ context: NodeContext) throws {
        let p = try context.params(Params.self)
        let data = try context.optionalInput("data")
        var experiment = p.experiment
        if experiment.isEmpty { experiment = data.flatMap { ClimateFieldObject.experiment(of: $0) } ?? "" }
        guard !experiment.isEmpty else {
            throw EngineError(.nodeFailed, "no experiment: set param 'experiment' or give an input with attribute experiment", node: context.nodeID)
        }
        let axis = try timeAxis(context, data: data, experiment: experiment)
        let seriesFile = p.seriesFile.path
        var monthly: AlignedForcing
        var scenarioNote: AlignedForcingObject.Scenario?
        if p.forcings.isEmpty {
            // The archive's own forcing: the CSV's columns are the whole vector (no RCMIP scenario needed).
            guard !seriesFile.isEmpty else {
                throw EngineError(.nodeFailed, "param 'forcings' is empty and there is no series_file", node: context.nodeID)
            }
            monthly = try AlignedForcing(names: [], units: [], time: axis, values: [])
        } else {
            monthly = try rcmipForcing(context, p, experiment: experiment, axis: axis, note: &scenarioNote)
        }

        if !seriesFile.isEmpty {
            let series = try CSVSeriesFile(contentsOf: URL(fileURLWithPath: seriesFile))
            var columns = p.series
            if columns.isEmpty { columns = series.columns.map(\.name) }
            for c in columns { monthly = try ForcingAlignment.addingSeries(monthly, file: series, column: c) }
        }
        if let maps = try context.optionalInput("maps") {
            for name in maps.datasetNames {
                let (shape, values) = try maps.readFloats(name)
                guard shape.count == 3, let first = ForcingMapsObject.firstYear(maps) else {
                    throw EngineError(.nodeFailed, "map '\(name)': need shape [years, nlat, nlon] and attribute first_year", node: context.nodeID)
                }
                monthly = try ForcingAlignment.addingAnnualMaps(monthly, name: name, units: ForcingMapsObject.units(of: name, in: maps),
                                                                nlat: shape[1], nlon: shape[2], firstYear: first, annualMaps: values)
            }
        }
        let out = try context.output("out")
        try AlignedForcingObject.write([.monthly: monthly, .yearly: try ForcingAlignment.aggregate(monthly, to: .year),
                                        .decadal: try ForcingAlignment.aggregate(monthly, to: .decade)],
                                       scenario: scenarioNote, seriesFile: seriesFile.isEmpty ? nil : seriesFile,
                                       axis: axis, experiment: experiment,
                                       sourceID: data.flatMap { ClimateFieldObject.sourceID(of: $0) }, to: out)
        context.log("aligned \(monthly.names.count) forcings to \(axis.count) \(axis.calendar.cfName) frames of \(experiment)")
    }

    /// The RCMIP forcings of `p.forcings` for `experiment` (or the scenario file's scenario) on `axis`; `note` gets where
    /// a scenario file's scenario came from.
    func rcmipForcing(_ context: NodeContext, _ p: Params, experiment: String, axis: TimeAxis,
                      note: inout AlignedForcingObject.Scenario?) throws -> AlignedForcing {
        let set = try ForcingSet(names: p.forcings)
        let rcmip = p.rcmipDir
        let forcing = try RCMIPForcingData(directory: RCMIPForcingData.locateExtract(explicit: rcmip.isEmpty ? nil : rcmip))
        let dates = try axis.dates()
        guard let firstDate = dates.first, let lastDate = dates.last else {
            throw EngineError(.nodeFailed, "empty time axis", node: context.nodeID)
        }
        let annual: AnnualForcing
        let scenarioFile = p.scenarioFile.path
        if scenarioFile.isEmpty {
            annual = try forcing.annual(set, experiment: experiment, from: firstDate.year, through: lastDate.year)
        } else {
            var name = p.scenario
            if name.isEmpty { name = experiment }
            let file = try IAMCScenarioFile(contentsOf: URL(fileURLWithPath: scenarioFile)).scenario(name)
            let merged = try ScenarioFileForcing(rcmip: forcing, file: file, experiment: experiment,
                                                 background: p.scenarioBackground,
                                                 through: max(lastDate.year, 2015))
            annual = try merged.data.annual(set, scenario: merged.scenario, from: firstDate.year, through: lastDate.year)
            note = AlignedForcingObject.Scenario(file: scenarioFile, name: name,
                                                 erf: merged.forcingModelled ? "simple climate model (emissions)" : "file",
                                                 infilled: merged.infilled)
            context.log("scenario '\(name)' from \(scenarioFile): ERF from \(merged.forcingModelled ? "the simple climate model" : "the file")"
                        + (merged.infilled.isEmpty ? "" : "; from \(p.scenarioBackground): \(merged.infilled.joined(separator: ", "))"))
        }
        return try ForcingAlignment.monthly(annual, axis: axis)
    }

    /// The frames: the input's time axis, or a monthly axis from the params.
    func timeAxis(_ context: NodeContext, data: StoredObject?, experiment: String) throws -> TimeAxis {
        if let d = data { return try ClimateFieldObject.timeAxis(d, node: context.nodeID) }
        let p = try context.params(Params.self)
        let calendar = p.calendar
        guard !calendar.isEmpty else {
            throw EngineError(.nodeFailed, "no input: set param 'calendar' (e.g. 360_day)", node: context.nodeID)
        }
        var first = p.firstYear, last = p.lastYear
        let defaults = ClimateSuiteConfiguration().years(of: experiment)
        if first == 0 { first = defaults.lowerBound }
        if last == 0 { last = defaults.upperBound }
        return try TimeAxis.monthly(calendar: CFCalendar(cfName: calendar), units: CFTimeUnits(parsing: p.timeUnits),
                                    startYear: first, endYear: last)
    }
}

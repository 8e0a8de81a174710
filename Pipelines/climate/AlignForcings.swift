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
    public static let params = [
        ParamSpec("forcings", .stringList, default: .list(ForcingSet.climateBench.names.map { .string($0) }),
                  doc: "forcing names: co2_cumulative, ch4, so2, bc, aod, erf, rcmip:<Variable>; empty: only the series_file columns"),
        ParamSpec("experiment", .string, default: .string(""), doc: "experiment id (default: the input's experiment_id)"),
        ParamSpec("calendar", .string, default: .string(""), doc: "CF calendar when there is no input"),
        ParamSpec("time_units", .string, default: .string("days since 1850-01-01"), doc: "time units when there is no input"),
        ParamSpec("first_year", .int, default: .int(0), doc: "first year when there is no input (0: the experiment's)"),
        ParamSpec("last_year", .int, default: .int(0), doc: "last year when there is no input (0: the experiment's)"),
        ParamSpec("rcmip_dir", .string, default: .string(""), doc: "directory with the RCMIP extract (default: found from the working directory)"),
        ParamSpec("scenario_file", .path, default: .string(""),
                  doc: "IAMC scenario file (Model, Scenario, Region, Variable, Unit, years): years after 2014 come from it; ERF from its emissions when it has none"),
        ParamSpec("scenario", .string, default: .string(""), doc: "scenario name in scenario_file (default: the experiment)"),
        ParamSpec("scenario_background", .string, default: .string("ssp245"),
                  doc: "RCMIP SSP whose rows fill what scenario_file lacks besides CO2, CH4, Sulfur and BC (listed in attribute scenario_infilled)"),
        ParamSpec("series_file", .path, default: .string(""), doc: "CSV of extra channels: year[, month], named columns, a units row"),
        ParamSpec("series", .stringList, default: .list([]), doc: "columns of series_file to add to the vector (default: all)"),
    ]
    /// Output schema.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.alignedForcing)
    /// Inputs.
    public static let inputs = [
        InputSpec("data", optional: true, [PipelineObjects.curatedField], doc: "curated dataset with time, time_bnds, calendar, time_units, experiment"),
        InputSpec("maps", optional: true, doc: "gridded annual forcing maps [years, nlat, nlon] with attribute first_year"),
    ]
    /// Makes the kind.
    public init() {}

    /// An empty `forcings` list takes the whole vector from `series_file`, which must then be given. The scenario file and
    /// the series file are read when the manifest loads: the scenario is in the file, with the variables it needs in
    /// units spfflow converts; the series' columns are there (errors name the file, the line and the variable).
    public static func paramProblem(_ params: NodeParams) -> ParamProblem? {
        if let problem = filesProblem(params) { return problem }
        guard let names = try? params.strings("forcings"), names.isEmpty else { return nil }
        if (try? params.string("series_file")) ?? "" == "" {
            return ParamProblem(param: "forcings", "is empty and no series_file is given: list RCMIP forcings, or give the forcing as a CSV series (series_file)")
        }
        if (try? params.string("scenario_file")) ?? "" != "" {
            return ParamProblem(param: "forcings", "is empty, so scenario_file would not be used: list the forcings to take from it")
        }
        return nil
    }

    /// The first problem with the contents of `scenario_file` and `series_file`, if any.
    static func filesProblem(_ params: NodeParams) -> ParamProblem? {
        let scenarioFile = (try? params.string("scenario_file")) ?? ""
        if !scenarioFile.isEmpty {
            var name = (try? params.string("scenario")) ?? ""
            if name.isEmpty { name = (try? params.string("experiment")) ?? "" }
            do {
                let scenario = try IAMCScenarioFile(contentsOf: URL(fileURLWithPath: scenarioFile)).scenario(name)
                try ScenarioFileForcing.check(scenario)
            } catch {
                return ParamProblem(param: name.isEmpty || "\(error)".contains("no scenario") ? "scenario" : "scenario_file", "\(error)")
            }
        }
        let seriesFile = (try? params.string("series_file")) ?? ""
        if !seriesFile.isEmpty {
            do {
                let series = try CSVSeriesFile(contentsOf: URL(fileURLWithPath: seriesFile))
                for column in (try? params.strings("series")) ?? [] { _ = try series.column(column) }
            } catch {
                return ParamProblem(param: "series_file", "\(error)")
            }
        }
        return nil
    }

    /// Aligns and aggregates.
    public func run(_ context: NodeContext) throws {
        let data = try context.optionalInput("data")
        var experiment = try context.params.string("experiment")
        if experiment.isEmpty { experiment = data?.attribute("experiment") ?? data?.attribute("experiment_id") ?? "" }
        guard !experiment.isEmpty else {
            throw EngineError(.nodeFailed, "no experiment: set param 'experiment' or give an input with attribute experiment", node: context.nodeID)
        }
        let axis = try timeAxis(context, data: data, experiment: experiment)
        let seriesFile = try context.params.string("series_file")
        let forcingNames = try context.params.strings("forcings")
        var monthly: AlignedForcing
        var scenarioNote: [(String, String)] = []
        if forcingNames.isEmpty {
            // The archive's own forcing: the CSV's columns are the whole vector (no RCMIP scenario needed).
            guard !seriesFile.isEmpty else {
                throw EngineError(.nodeFailed, "param 'forcings' is empty and there is no series_file", node: context.nodeID)
            }
            monthly = try AlignedForcing(names: [], units: [], time: axis, values: [])
        } else {
            monthly = try rcmipForcing(context, names: forcingNames, experiment: experiment, axis: axis, note: &scenarioNote)
        }

        if !seriesFile.isEmpty {
            let series = try CSVSeriesFile(contentsOf: URL(fileURLWithPath: seriesFile))
            var columns = try context.params.strings("series")
            if columns.isEmpty { columns = series.columns.map(\.name) }
            for c in columns { monthly = try ForcingAlignment.addingSeries(monthly, file: series, column: c) }
        }
        if let maps = try context.optionalInput("maps") {
            for name in maps.datasetNames {
                let (shape, values) = try maps.readFloats(name)
                guard shape.count == 3, let first = maps.attribute("first_year").flatMap({ Int($0) }) else {
                    throw EngineError(.nodeFailed, "map '\(name)': need shape [years, nlat, nlon] and attribute first_year", node: context.nodeID)
                }
                monthly = try ForcingAlignment.addingAnnualMaps(monthly, name: name, units: maps.attribute("units_\(name)") ?? "",
                                                                nlat: shape[1], nlon: shape[2], firstYear: first, annualMaps: values)
            }
        }
        let out = try context.output("out")
        for (label, aligned) in [("monthly", monthly), ("yearly", try ForcingAlignment.aggregate(monthly, to: .year)),
                                 ("decadal", try ForcingAlignment.aggregate(monthly, to: .decade))] {
            let t = aligned.time
            try out.write("forcing_\(label)", shape: [t.count, aligned.names.count], values: aligned.values)
            try out.write("time_\(label)", shape: [t.count], values: t.values)
            if let b = t.bounds { try out.write("time_bnds_\(label)", shape: [t.count, 2], values: b) }
            for m in aligned.maps {
                try out.write("map_\(m.name)_\(label)", shape: [t.count, m.nlat, m.nlon], values: m.values)
            }
        }
        try out.setAttribute("forcing_names", json(monthly.names))
        for (name, value) in scenarioNote { try out.setAttribute(name, value) }
        if !seriesFile.isEmpty { try out.setAttribute("series_file", seriesFile) }
        try out.setAttribute("forcing_units", json(monthly.units))
        try out.setAttribute("calendar", axis.calendar.cfName)
        try out.setAttribute("time_units", axis.units.description)
        try out.setAttribute("experiment_id", experiment)
        if let source = data?.attribute("source_id") { try out.setAttribute("source_id", source) }
        context.log("aligned \(monthly.names.count) forcings to \(axis.count) \(axis.calendar.cfName) frames of \(experiment)")
    }

    /// The RCMIP forcings `names` of `experiment` (or of the scenario file's scenario) on `axis`; `note` gets the
    /// scenario file's attributes.
    func rcmipForcing(_ context: NodeContext, names: [String], experiment: String, axis: TimeAxis,
                      note: inout [(String, String)]) throws -> AlignedForcing {
        let set = try ForcingSet(names: names)
        let rcmip = try context.params.string("rcmip_dir")
        let forcing = try RCMIPForcingData(directory: RCMIPForcingData.locateExtract(explicit: rcmip.isEmpty ? nil : rcmip))
        let dates = try axis.dates()
        guard let firstDate = dates.first, let lastDate = dates.last else {
            throw EngineError(.nodeFailed, "empty time axis", node: context.nodeID)
        }
        let annual: AnnualForcing
        let scenarioFile = try context.params.string("scenario_file")
        if scenarioFile.isEmpty {
            annual = try forcing.annual(set, experiment: experiment, from: firstDate.year, through: lastDate.year)
        } else {
            var name = try context.params.string("scenario")
            if name.isEmpty { name = experiment }
            let file = try IAMCScenarioFile(contentsOf: URL(fileURLWithPath: scenarioFile)).scenario(name)
            let merged = try ScenarioFileForcing(rcmip: forcing, file: file, experiment: experiment,
                                                 background: try context.params.string("scenario_background"),
                                                 through: max(lastDate.year, 2015))
            annual = try merged.data.annual(set, scenario: merged.scenario, from: firstDate.year, through: lastDate.year)
            note = [("scenario_file", scenarioFile), ("scenario", name),
                            ("scenario_erf", merged.forcingModelled ? "simple climate model (emissions)" : "file"),
                            ("scenario_infilled", json(merged.infilled))]
            context.log("scenario '\(name)' from \(scenarioFile): ERF from \(merged.forcingModelled ? "the simple climate model" : "the file")"
                        + (merged.infilled.isEmpty ? "" : "; from \(try context.params.string("scenario_background")): \(merged.infilled.joined(separator: ", "))"))
        }
        return try ForcingAlignment.monthly(annual, axis: axis)
    }

    /// A JSON list of strings.
    func json(_ list: [String]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: list)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// The frames: the input's time axis, or a monthly axis from the params.
    func timeAxis(_ context: NodeContext, data: StoredObject?, experiment: String) throws -> TimeAxis {
        if let d = data {
            guard let units = d.attribute("time_units") else {
                throw EngineError(.nodeFailed, "input has no attribute time_units", node: context.nodeID)
            }
            let time = try d.readDoubles("time").values
            let bounds = d.datasetNames.contains("time_bnds") ? try d.readDoubles("time_bnds").values : nil
            return try TimeAxis(calendar: CFCalendar(cfName: d.attribute("calendar")), units: CFTimeUnits(parsing: units),
                                values: time, bounds: bounds)
        }
        let calendar = try context.params.string("calendar")
        guard !calendar.isEmpty else {
            throw EngineError(.nodeFailed, "no input: set param 'calendar' (e.g. 360_day)", node: context.nodeID)
        }
        var first = try context.params.int("first_year"), last = try context.params.int("last_year")
        let defaults = ClimateSuiteConfiguration().years(of: experiment)
        if first == 0 { first = defaults.lowerBound }
        if last == 0 { last = defaults.upperBound }
        return try TimeAxis.monthly(calendar: CFCalendar(cfName: calendar), units: CFTimeUnits(parsing: try context.params.string("time_units")),
                                    startYear: first, endYear: last)
    }
}

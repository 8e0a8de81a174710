import ClimateData
import Foundation
import SPFEngine
import SPFModel

/// The `aligned-forcing` object `climate.align-forcings` stores: the forcing vector of every frame of
/// one ESM dataset, in that ESM's calendar, with its yearly and decadal means; read by `spf.shards`,
/// the sampling kinds and `eval.evaluate`.
///
/// Datasets, for P in monthly, yearly, decadal: `forcing_P` (float32 [T_P, V]), `time_P` (float64
/// [T_P]), `time_bnds_P` (float64 [T_P, 2]), and `map_<name>_P` (float32 [T_P, nlat, nlon]) per map.
/// Attributes: `forcing_names`, `forcing_units` (JSON lists), `calendar`, `time_units`,
/// `experiment_id`, `source_id` (when the frames came from a dataset), and for a user's scenario
/// `scenario_file`, `scenario`, `scenario_erf`, `scenario_infilled`.
enum AlignedForcingObject {
    /// The schema inputs declare to take this object.
    static let schema = ObjectSchema("aligned-forcing", "forcing series on a time axis, climate.align-forcings")

    /// Attribute names.
    enum Attribute {
        static let forcingNames = "forcing_names"
        static let forcingUnits = "forcing_units"
        static let calendar = "calendar"
        static let timeUnits = "time_units"
        static let experimentID = "experiment_id"
        static let sourceID = "source_id"
        static let scenarioFile = "scenario_file"
        static let scenario = "scenario"
        static let scenarioERF = "scenario_erf"
        static let scenarioInfilled = "scenario_infilled"
        static let seriesFile = "series_file"
        /// The calendar year of the first monthly frame, when an object records it (else it is decoded from `time_monthly`).
        static let firstYear = "first_year"
    }

    /// The three frame periods, in the order they are written.
    enum Period: String, CaseIterable {
        case monthly, yearly, decadal
    }

    /// Dataset names.
    enum Dataset {
        static func forcing(_ p: Period) -> String { "forcing_\(p.rawValue)" }
        static func time(_ p: Period) -> String { "time_\(p.rawValue)" }
        static func timeBounds(_ p: Period) -> String { "time_bnds_\(p.rawValue)" }
        static func map(_ name: String, _ p: Period) -> String { "map_\(name)_\(p.rawValue)" }
    }

    /// Where a user's scenario came from (attributes `scenario_*`).
    struct Scenario {
        /// The IAMC file.
        var file: String
        /// The scenario's name in it.
        var name: String
        /// Where the total ERF came from.
        var erf: String
        /// The variables filled in from the background SSP.
        var infilled: [String]
    }

    /// Writes the aligned series (`series[p]` for every period), their metadata, and the scenario's origin when there is one.
    static func write(_ series: [Period: AlignedForcing], scenario: Scenario?, seriesFile: String? = nil, axis: TimeAxis,
                      experiment: String, sourceID: String?, to out: ObjectWriter) throws {
        guard let monthly = series[.monthly] else { throw EngineError(.nodeFailed, "aligned forcing without monthly frames") }
        for period in Period.allCases {
            guard let aligned = series[period] else { continue }
            let t = aligned.time
            try out.write(Dataset.forcing(period), shape: [t.count, aligned.names.count], values: aligned.values)
            try out.write(Dataset.time(period), shape: [t.count], values: t.values)
            if let b = t.bounds { try out.write(Dataset.timeBounds(period), shape: [t.count, 2], values: b) }
            for m in aligned.maps {
                try out.write(Dataset.map(m.name, period), shape: [t.count, m.nlat, m.nlon], values: m.values)
            }
        }
        try out.setAttribute(Attribute.forcingNames, listJSON(monthly.names))
        if let scenario {
            try out.setAttribute(Attribute.scenarioFile, scenario.file)
            try out.setAttribute(Attribute.scenario, scenario.name)
            try out.setAttribute(Attribute.scenarioERF, scenario.erf)
            try out.setAttribute(Attribute.scenarioInfilled, listJSON(scenario.infilled))
        }
        if let seriesFile { try out.setAttribute(Attribute.seriesFile, seriesFile) }
        try out.setAttribute(Attribute.forcingUnits, listJSON(monthly.units))
        try out.setAttribute(Attribute.calendar, axis.calendar.cfName)
        try out.setAttribute(Attribute.timeUnits, axis.units.description)
        try out.setAttribute(Attribute.experimentID, experiment)
        if let sourceID { try out.setAttribute(Attribute.sourceID, sourceID) }
    }

    /// A JSON list of strings, as the attributes store them.
    static func listJSON(_ list: [String]) -> String {
        // try?: serialising a list of strings cannot fail
        String(decoding: (try? JSONSerialization.data(withJSONObject: list)) ?? Data("[]".utf8), as: UTF8.self)
    }

    // MARK: Reading

    /// The experiment the forcing was aligned for.
    static func experimentID(_ object: StoredObject) -> String? { object.attribute(Attribute.experimentID) }

    /// The ESM whose frames the forcing is aligned to, when it came from a dataset.
    static func sourceID(_ object: StoredObject) -> String? { object.attribute(Attribute.sourceID) }

    /// The forcing channels, in vector order.
    static func forcingNames(_ object: StoredObject, node: String) throws -> [String] {
        try ObjectJSON.decode([String].self, attribute: Attribute.forcingNames, of: object, node: node)
    }

    /// The channels' units, in vector order (empty when not recorded).
    static func forcingUnits(_ object: StoredObject) -> [String] {
        // try?: units only label the report's axes; an object without them is still plotted
        (try? ObjectJSON.decode([String].self, attribute: Attribute.forcingUnits, of: object, node: "")) ?? []
    }

    /// The yearly forcing vectors `[years, V]`.
    static func yearly(_ object: StoredObject) throws -> (shape: [Int], values: [Float]) {
        try object.readFloats(Dataset.forcing(.yearly))
    }

    /// Where the forcing came from beyond RCMIP: the scenario file's and the series file's attributes, as
    /// (name, value) pairs in a fixed order; empty for RCMIP alone.
    static func origin(_ object: StoredObject) -> [(String, String)] {
        var out: [(String, String)] = []
        for name in [Attribute.scenarioFile, Attribute.scenario, Attribute.scenarioERF, Attribute.scenarioInfilled, Attribute.seriesFile] {
            if let value = object.attribute(name), !value.isEmpty { out.append((name, value)) }
        }
        return out
    }

    /// The monthly forcing vectors `[months, V]`.
    static func monthly(_ object: StoredObject) throws -> (shape: [Int], values: [Float]) {
        try object.readFloats(Dataset.forcing(.monthly))
    }

    /// The calendar year of the first frame of an aligned forcing, decoded in its own calendar.
    static func firstYear(_ object: StoredObject) -> Int? {
        // try?: nil is this function's answer for "no readable first year"; callers fall back or name the missing year
        guard let units = object.attribute(Attribute.timeUnits), let t = try? object.readDoubles(Dataset.time(.monthly)).values,
              let axis = try? TimeAxis(calendar: CFCalendar(cfName: object.attribute(Attribute.calendar)),
                                       units: CFTimeUnits(parsing: units), values: Array(t.prefix(1)), bounds: nil),
              let first = try? axis.dates().first else { return nil }
        return first.year
    }

    /// The monthly forcing of a scenario, normalised for `model` (whose channels it must have).
    static func forcingSeries(_ object: StoredObject, model: TrainedModelObject.SamplingModel, node: String) throws -> ForcingSeries {
        let names = try forcingNames(object, node: node)
        guard names == model.forcingNames else {
            throw EngineError(.nodeFailed, "forcing channels \(names) differ from the model's \(model.forcingNames)", node: node)
        }
        let (shape, values) = try monthly(object)
        guard shape.count == 2, shape[1] == names.count, shape[0] % 12 == 0 else {
            throw EngineError(.nodeFailed, "\(Dataset.forcing(.monthly)) has shape \(shape); expected whole years of [months, \(names.count)]", node: node)
        }
        guard let startYear = object.attribute(Attribute.firstYear).flatMap(Int.init) ?? firstYear(object) else {
            throw EngineError(.nodeFailed, "forcing input has no first year", node: node)
        }
        let series = try ForcingSeries(startYear: startYear, months: shape[0], griddedChannels: 0,
                                       height: model.info.pyramid.height, width: model.info.pyramid.width, gridded: [],
                                       globalChannels: names.count, global: values)
        return try model.info.normalizer.normalize(series)
    }
}

import ClimateData
import Foundation
import SPFEngine

/// The `curated-field` object: one variable of one dataset, as `climate.curate` and `climate.files`
/// store it and `climate.regrid` re-stores it on another grid; read by the kinds that take fields.
///
/// Datasets: `values` float32 `[time, lat, lon]` (NaN = missing), `lat`/`lon` float64,
/// `lat_bnds`/`lon_bnds` float64 `[n, 2]`, `time` float64 `[time]`, `time_bnds` float64 `[time, 2]`.
/// Attributes: `calendar`, `time_units`, `variable` (JSON), `level` (JSON or empty), `source_id`,
/// `experiment`, `member`, `table`, `period`, `grid`, `summary` (JSON `CMIP6DatasetSummary`).
struct ClimateFieldObject {
    /// The schema inputs declare to take this object.
    static let schema = ObjectSchema("curated-field", "one variable of one dataset, climate.curate, climate.files or climate.regrid")

    /// Attribute names.
    enum Attribute {
        static let calendar = "calendar"
        static let timeUnits = "time_units"
        static let variable = "variable"
        static let level = "level"
        static let grid = "grid"
        static let gridBoundsDerived = "grid_bounds_derived"
        static let summary = "summary"
        /// Facets (``ClimateFieldObject/facetNames``).
        static let sourceID = "source_id"
        static let experiment = "experiment"
        static let member = "member"
        static let table = "table"
        static let period = "period"
        /// The experiment as objects of other tools name it (read as a fallback of `experiment`).
        static let experimentID = "experiment_id"
    }

    /// Dataset names.
    enum Dataset {
        static let values = "values"
        static let lat = "lat"
        static let lon = "lon"
        static let latBounds = "lat_bnds"
        static let lonBounds = "lon_bnds"
        static let time = "time"
        static let timeBounds = "time_bnds"
    }

    /// The field (grid, time, values, metadata).
    var field: CFField
    /// Facets and processing metadata carried along.
    var facets: [String: String]
    /// The per-dataset summary.
    var summary: CMIP6DatasetSummary

    /// The ESM (facet `source_id`).
    var sourceID: String? { facets[Attribute.sourceID] }
    /// The experiment (facet `experiment`).
    var experiment: String? { facets[Attribute.experiment] }
    /// The member (facet `member`).
    var member: String? { facets[Attribute.member] }
    /// The MIP table (facet `table`).
    var table: String? { facets[Attribute.table] }
    /// The aggregation period (facet `period`).
    var period: String? { facets[Attribute.period] }

    static let facetNames = [Attribute.sourceID, Attribute.experiment, Attribute.member, Attribute.table, Attribute.period]

    /// The facets of a curated dataset, keyed by their attribute names.
    static func facets(sourceID: String, experiment: String, member: String, table: String, period: String) -> [String: String] {
        [Attribute.sourceID: sourceID, Attribute.experiment: experiment, Attribute.member: member, Attribute.table: table,
         Attribute.period: period]
    }

    /// Writes the object to `writer`.
    func write(to writer: ObjectWriter) throws {
        let g = field.grid
        try writer.write(Dataset.values, shape: [field.timeSteps, g.nlat, g.nlon], values: field.values)
        try writer.write(Dataset.lat, shape: [g.nlat], values: g.lat)
        try writer.write(Dataset.lon, shape: [g.nlon], values: g.lon)
        try writer.write(Dataset.latBounds, shape: [g.nlat, 2], values: g.latBounds)
        try writer.write(Dataset.lonBounds, shape: [g.nlon, 2], values: g.lonBounds)
        guard let t = field.time else { throw ClimateDataError(.malformed, "field has no time axis") }
        try writer.write(Dataset.time, shape: [t.count], values: t.values)
        if let b = t.bounds { try writer.write(Dataset.timeBounds, shape: [t.count, 2], values: b) }
        try writer.setAttribute(Attribute.calendar, t.calendar.cfName)
        try writer.setAttribute(Attribute.timeUnits, t.units.description)
        let v = field.variable
        let variable: [String: String] = ["name": v.name, "standard_name": v.standardName ?? "", "long_name": v.longName ?? "",
                                          "units": v.units, "cell_methods": v.cellMethods ?? ""]
        try writer.setAttribute(Attribute.variable, try Self.json(variable))
        if let l = field.level {
            try writer.setAttribute(Attribute.level, try Self.json(["name": l.name, "value": String(l.value), "units": l.units,
                                                                    "standard_name": l.standardName ?? "", "positive": l.positive ?? ""]))
        } else {
            try writer.setAttribute(Attribute.level, "")
        }
        for (k, val) in facets { try writer.setAttribute(k, val) }
        try writer.setAttribute(Attribute.grid, g.description)
        try writer.setAttribute(Attribute.summary, String(decoding: try Self.encoder.encode(summary), as: UTF8.self))
    }

    /// Reads an object written by `write`.
    static func read(_ object: StoredObject) throws -> ClimateFieldObject {
        let (shape, values) = try object.readFloats(Dataset.values)
        guard shape.count == 3 else { throw ClimateDataError(.malformed, "input \(object.key): values has shape \(shape), expected [time, lat, lon]") }
        let lat = try object.readDoubles(Dataset.lat).values, lon = try object.readDoubles(Dataset.lon).values
        var grid = try LatLonGrid(lat: lat, lon: lon, latBounds: try object.readDoubles(Dataset.latBounds).values,
                                  lonBounds: try object.readDoubles(Dataset.lonBounds).values)
        grid.boundsDerived = object.attribute(Attribute.gridBoundsDerived) == "true"
        let calendar = try CFCalendar(cfName: object.attribute(Attribute.calendar))
        let units = try CFTimeUnits(parsing: object.attribute(Attribute.timeUnits) ?? "")
        let tv = try object.readDoubles(Dataset.time).values
        let tb = object.datasetNames.contains(Dataset.timeBounds) ? try object.readDoubles(Dataset.timeBounds).values : nil
        let time = try TimeAxis(calendar: calendar, units: units, values: tv, bounds: tb)
        let vmeta = try Self.decode(object.attribute(Attribute.variable) ?? "{}")
        let variable = CFVariableSpec(name: vmeta["name"] ?? "x", standardName: vmeta["standard_name"].flatMap { $0.isEmpty ? nil : $0 },
                                      longName: vmeta["long_name"].flatMap { $0.isEmpty ? nil : $0 }, units: vmeta["units"] ?? "1",
                                      cellMethods: vmeta["cell_methods"].flatMap { $0.isEmpty ? nil : $0 })
        var level: CFScalarCoordinate? = nil
        if let l = object.attribute(Attribute.level), !l.isEmpty {
            let m = try Self.decode(l)
            level = CFScalarCoordinate(name: m["name"] ?? "plev", value: Double(m["value"] ?? "") ?? 0, units: m["units"] ?? "Pa",
                                       standardName: m["standard_name"].flatMap { $0.isEmpty ? nil : $0 }, positive: m["positive"].flatMap { $0.isEmpty ? nil : $0 })
        }
        let summary = try JSONDecoder().decode(CMIP6DatasetSummary.self, from: Data((object.attribute(Attribute.summary) ?? "{}").utf8))
        var facets: [String: String] = [:]
        for k in facetNames { if let v = object.attribute(k) { facets[k] = v } }
        let field = CFField(variable: variable, grid: grid, time: time, level: level, values: values, missing: MissingValueReport())
        return ClimateFieldObject(field: field, facets: facets, summary: summary)
    }

    /// The time axis of a stored field alone (its values are not read); an error naming `node` when it has no `time_units`.
    static func timeAxis(_ object: StoredObject, node: String) throws -> TimeAxis {
        guard let units = object.attribute(Attribute.timeUnits) else {
            throw EngineError(.nodeFailed, "input has no attribute \(Attribute.timeUnits)", node: node)
        }
        let time = try object.readDoubles(Dataset.time).values
        let bounds = object.datasetNames.contains(Dataset.timeBounds) ? try object.readDoubles(Dataset.timeBounds).values : nil
        return try TimeAxis(calendar: CFCalendar(cfName: object.attribute(Attribute.calendar)), units: CFTimeUnits(parsing: units),
                            values: time, bounds: bounds)
    }

    /// The experiment of a stored field (`experiment`, else `experiment_id`).
    static func experiment(of object: StoredObject) -> String? {
        object.attribute(Attribute.experiment) ?? object.attribute(Attribute.experimentID)
    }

    /// The ESM of a stored field.
    static func sourceID(of object: StoredObject) -> String? { object.attribute(Attribute.sourceID) }

    static let encoder: JSONEncoder = { let e = JSONEncoder(); e.outputFormatting = [.sortedKeys]; return e }()

    static func json(_ dict: [String: String]) throws -> String {
        String(decoding: try encoder.encode(dict), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }
}

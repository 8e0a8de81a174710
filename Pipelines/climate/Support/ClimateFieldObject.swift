import ClimateData
import Foundation
import SPFEngine

/// The stored form of a curated or regridded field, shared by the climate node kinds.
///
/// Datasets: `values` float32 `[time, lat, lon]` (NaN = missing), `lat`/`lon` float64,
/// `lat_bnds`/`lon_bnds` float64 `[n, 2]`, `time` float64 `[time]`, `time_bnds` float64 `[time, 2]`.
/// Attributes: `calendar`, `time_units`, `variable` (JSON), `level` (JSON or empty), `source_id`,
/// `experiment`, `member`, `table`, `period`, `grid`, `summary` (JSON `CMIP6DatasetSummary`).
struct ClimateFieldObject {
    /// The field (grid, time, values, metadata).
    var field: CFField
    /// Facets and processing metadata carried along.
    var facets: [String: String]
    /// The per-dataset summary.
    var summary: CMIP6DatasetSummary

    static let facetNames = ["source_id", "experiment", "member", "table", "period"]

    /// Writes the object to `writer`.
    func write(to writer: ObjectWriter) throws {
        let g = field.grid
        try writer.write("values", shape: [field.timeSteps, g.nlat, g.nlon], values: field.values)
        try writer.write("lat", shape: [g.nlat], values: g.lat)
        try writer.write("lon", shape: [g.nlon], values: g.lon)
        try writer.write("lat_bnds", shape: [g.nlat, 2], values: g.latBounds)
        try writer.write("lon_bnds", shape: [g.nlon, 2], values: g.lonBounds)
        guard let t = field.time else { throw ClimateDataError(.malformed, "field has no time axis") }
        try writer.write("time", shape: [t.count], values: t.values)
        if let b = t.bounds { try writer.write("time_bnds", shape: [t.count, 2], values: b) }
        try writer.setAttribute("calendar", t.calendar.cfName)
        try writer.setAttribute("time_units", t.units.description)
        let v = field.variable
        let variable: [String: String] = ["name": v.name, "standard_name": v.standardName ?? "", "long_name": v.longName ?? "",
                                          "units": v.units, "cell_methods": v.cellMethods ?? ""]
        try writer.setAttribute("variable", try Self.json(variable))
        if let l = field.level {
            try writer.setAttribute("level", try Self.json(["name": l.name, "value": String(l.value), "units": l.units,
                                                            "standard_name": l.standardName ?? "", "positive": l.positive ?? ""]))
        } else {
            try writer.setAttribute("level", "")
        }
        for (k, val) in facets { try writer.setAttribute(k, val) }
        try writer.setAttribute("grid", g.description)
        try writer.setAttribute("summary", String(decoding: try Self.encoder.encode(summary), as: UTF8.self))
    }

    /// Reads an object written by `write`.
    static func read(_ object: StoredObject) throws -> ClimateFieldObject {
        let (shape, values) = try object.readFloats("values")
        guard shape.count == 3 else { throw ClimateDataError(.malformed, "input \(object.key): values has shape \(shape), expected [time, lat, lon]") }
        let lat = try object.readDoubles("lat").values, lon = try object.readDoubles("lon").values
        var grid = try LatLonGrid(lat: lat, lon: lon, latBounds: try object.readDoubles("lat_bnds").values, lonBounds: try object.readDoubles("lon_bnds").values)
        grid.boundsDerived = object.attribute("grid_bounds_derived") == "true"
        let calendar = try CFCalendar(cfName: object.attribute("calendar"))
        let units = try CFTimeUnits(parsing: object.attribute("time_units") ?? "")
        let tv = try object.readDoubles("time").values
        let tb = object.datasetNames.contains("time_bnds") ? try object.readDoubles("time_bnds").values : nil
        let time = try TimeAxis(calendar: calendar, units: units, values: tv, bounds: tb)
        let vmeta = try Self.decode(object.attribute("variable") ?? "{}")
        let variable = CFVariableSpec(name: vmeta["name"] ?? "x", standardName: vmeta["standard_name"].flatMap { $0.isEmpty ? nil : $0 },
                                      longName: vmeta["long_name"].flatMap { $0.isEmpty ? nil : $0 }, units: vmeta["units"] ?? "1",
                                      cellMethods: vmeta["cell_methods"].flatMap { $0.isEmpty ? nil : $0 })
        var level: CFScalarCoordinate? = nil
        if let l = object.attribute("level"), !l.isEmpty {
            let m = try Self.decode(l)
            level = CFScalarCoordinate(name: m["name"] ?? "plev", value: Double(m["value"] ?? "") ?? 0, units: m["units"] ?? "Pa",
                                       standardName: m["standard_name"].flatMap { $0.isEmpty ? nil : $0 }, positive: m["positive"].flatMap { $0.isEmpty ? nil : $0 })
        }
        let summary = try JSONDecoder().decode(CMIP6DatasetSummary.self, from: Data((object.attribute("summary") ?? "{}").utf8))
        var facets: [String: String] = [:]
        for k in facetNames { if let v = object.attribute(k) { facets[k] = v } }
        let field = CFField(variable: variable, grid: grid, time: time, level: level, values: values, missing: MissingValueReport())
        return ClimateFieldObject(field: field, facets: facets, summary: summary)
    }

    static let encoder: JSONEncoder = { let e = JSONEncoder(); e.outputFormatting = [.sortedKeys]; return e }()

    static func json(_ dict: [String: String]) throws -> String {
        String(decoding: try encoder.encode(dict), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }

    /// Grid datasets for weights objects.
    static func writeGrid(_ g: LatLonGrid, prefix: String, to writer: ObjectWriter) throws {
        try writer.write("\(prefix)_lat", shape: [g.nlat], values: g.lat)
        try writer.write("\(prefix)_lon", shape: [g.nlon], values: g.lon)
        try writer.write("\(prefix)_lat_bnds", shape: [g.nlat, 2], values: g.latBounds)
        try writer.write("\(prefix)_lon_bnds", shape: [g.nlon, 2], values: g.lonBounds)
    }

    static func readGrid(prefix: String, from object: StoredObject) throws -> LatLonGrid {
        try LatLonGrid(lat: try object.readDoubles("\(prefix)_lat").values, lon: try object.readDoubles("\(prefix)_lon").values,
                       latBounds: try object.readDoubles("\(prefix)_lat_bnds").values, lonBounds: try object.readDoubles("\(prefix)_lon_bnds").values)
    }
}

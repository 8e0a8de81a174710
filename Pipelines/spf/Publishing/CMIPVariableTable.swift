import ClimateData
import Foundation
import SPFEngine

/// What CMIP6's data request says about the variables spfflow publishes, and which table and
/// frequency each timescale goes into.
///
/// Tables: monthly products go into CMIP6's `Amon` (frequency `mon`). CMIP6 has no atmospheric
/// yearly or decadal table; following its `<realm><frequency>` naming (`Oyr`, `Odec` for the ocean),
/// yearly products go into `Ayr` (frequency `yr`) and decadal ones into `Adec` (frequency `dec`),
/// with CMIP6's frequency names. The DRS and the file names carry the table, as CMIP6's do; AIMIP's
/// frequency is in the `frequency` attribute and the catalogue's `frequency` column.
public enum CMIPVariableTable {
    /// Table and frequency of a product timescale (`monthly`, `yearly`, `decadal`).
    public static func table(timescale: String, node: String) throws -> (table: String, frequency: String) {
        switch timescale {
        case "monthly": return ("Amon", "mon")
        case "yearly": return ("Ayr", "yr")
        case "decadal": return ("Adec", "dec")
        default: throw EngineError(.nodeFailed, "param 'layout': cmip: no CMIP table for timescale '\(timescale)' (monthly, yearly, decadal)", node: node)
        }
    }

    /// The first and last date of a product as CMIP6 file names write them: `YYYYMM` for months, `YYYY` otherwise.
    public static func timeRange(timescale: String, startYear: Int, years: Int) -> (start: String, end: String) {
        let last = startYear + max(years, 1) - 1
        if timescale == "monthly" { return (String(format: "%04d01", startYear), String(format: "%04d12", last)) }
        return (String(format: "%04d", startYear), String(format: "%04d", last))
    }

    /// CMIP6 metadata of a published variable: standard name, units, cell_methods and cell_measures as in
    /// CMIP6's Amon table, and for tas the 2 m height scalar coordinate.
    public static func variable(_ name: String, node: String) throws -> (spec: CFVariableSpec, scalars: [CFScalarCoordinate]) {
        let measures: [(name: String, value: CFAttribute)] = [("cell_measures", .text("area: areacella"))]
        switch name {
        case "tas":
            return (CFVariableSpec(name: "tas", standardName: "air_temperature", longName: "Near-Surface Air Temperature", units: "K",
                                   cellMethods: "area: time: mean",
                                   extraAttributes: measures + [("comment", .text("near-surface (usually, 2 meter) air temperature; emulated"))]),
                    [height])
        case "pr":
            return (CFVariableSpec(name: "pr", standardName: "precipitation_flux", longName: "Precipitation", units: "kg m-2 s-1",
                                   cellMethods: "area: time: mean",
                                   extraAttributes: measures + [("comment", .text("includes both liquid and solid phases; emulated"))]),
                    [])
        default:
            throw EngineError(.nodeFailed, "param 'layout': cmip: no CMIP6 metadata for variable '\(name)' (tas, pr)", node: node)
        }
    }

    /// tas's scalar coordinate as CMIP6 writes it: `height` = 2 m, axis Z, positive up.
    static var height: CFScalarCoordinate {
        var h = CFScalarCoordinate(name: "height", value: 2, units: "m", standardName: "height", positive: "up")
        h.longName = "height"
        h.axis = "Z"
        return h
    }

    /// `areacella`, as CMIP6's fx table has it.
    public static let areacella = CFVariableSpec(name: "areacella", standardName: "cell_area", longName: "Grid-Cell Area for Atmospheric Grid Variables",
                                          units: "m2", cellMethods: "area: sum")

    /// The Earth radius of the cell areas (m), CMIP6's and CDO's.
    public static let earthRadius = 6_371_000.0

    /// CMIP6's nominal_resolution class of a grid, from the square root of its mean cell area (the CMIP6
    /// guidance's bins: 0.72, 1.6, 3.6, 7.2, 16, 36, 72, 160, 360, 720, 1600, 3600, 7200 km).
    public static func nominalResolution(_ grid: LatLonGrid) -> String {
        let area = grid.cellAreas.reduce(0, +) / Double(max(grid.size, 1))
        let km = area.squareRoot() * earthRadius / 1000
        let bins: [(Double, String)] = [(0.72, "0.5 km"), (1.6, "1 km"), (3.6, "2.5 km"), (7.2, "5 km"), (16, "10 km"), (36, "25 km"),
                                        (72, "50 km"), (160, "100 km"), (360, "250 km"), (720, "500 km"), (1600, "1000 km"),
                                        (3600, "2500 km"), (7200, "5000 km")]
        return bins.first { km < $0.0 }?.1 ?? "10000 km"
    }
}

import ClimateData
import SPFEngine

/// The `regrid-weights` object `climate.regrid-weights` stores and `climate.regrid` reads: sparse
/// rows of remapping weights and the two grids.
///
/// Datasets: `row_start` int64 `[dst + 1]`, `columns` int32 `[links]`, `weights` float64 `[links]` (one
/// placeholder element when there are no links), and the source and destination grids `src_lat`,
/// `src_lon`, `src_lat_bnds`, `src_lon_bnds` (and `dst_…`). Attributes: `method`, `grid_name`, `links`.
enum RegridWeightsObject {
    /// The schema inputs declare to take this object.
    static let schema = ObjectSchema("regrid-weights", "remapping weights, climate.regrid-weights")

    /// Attribute names.
    enum Attribute {
        static let method = "method"
        static let gridName = "grid_name"
        static let links = "links"
    }

    /// Dataset names.
    enum Dataset {
        static let rowStart = "row_start"
        static let columns = "columns"
        static let weights = "weights"
        /// The grid datasets, after `src_` or `dst_`.
        static func lat(_ prefix: String) -> String { "\(prefix)_lat" }
        static func lon(_ prefix: String) -> String { "\(prefix)_lon" }
        static func latBounds(_ prefix: String) -> String { "\(prefix)_lat_bnds" }
        static func lonBounds(_ prefix: String) -> String { "\(prefix)_lon_bnds" }
        static let source = "src"
        static let destination = "dst"
    }

    /// Writes `w` (computed from `source` to `destination` by `method`, target named `gridName`).
    static func write(_ w: RegridWeights, source: LatLonGrid, destination: LatLonGrid, method: RegridMethod, gridName: String,
                      to out: ObjectWriter) throws {
        try out.write(Dataset.rowStart, shape: [w.rowStart.count], values: w.rowStart.map(Int64.init))
        try out.write(Dataset.columns, shape: [max(1, w.columns.count)], values: w.columns.isEmpty ? [Int32(0)] : w.columns)
        try out.write(Dataset.weights, shape: [max(1, w.weights.count)], values: w.weights.isEmpty ? [0.0] : w.weights)
        try writeGrid(source, prefix: Dataset.source, to: out)
        try writeGrid(destination, prefix: Dataset.destination, to: out)
        try out.setAttribute(Attribute.method, method.rawValue)
        try out.setAttribute(Attribute.gridName, gridName)
        try out.setAttribute(Attribute.links, String(w.linkCount))
    }

    /// Reads weights written by `write`.
    static func read(_ object: StoredObject) throws -> RegridWeights {
        let src = try readGrid(prefix: Dataset.source, from: object)
        let dst = try readGrid(prefix: Dataset.destination, from: object)
        guard let m = RegridMethod(rawValue: object.attribute(Attribute.method) ?? "") else {
            throw ClimateDataError(.malformed, "input \(object.key) is not a climate.regrid-weights output")
        }
        let rowStart = try object.readInt64s(Dataset.rowStart).values.map(Int.init)
        let links = rowStart.last ?? 0
        let cols = Array(try object.readInt32s(Dataset.columns).values.prefix(links))
        let w = Array(try object.readDoubles(Dataset.weights).values.prefix(links))
        return try RegridWeights(source: src, destination: dst, method: m, rowStart: rowStart, columns: cols, weights: w)
    }

    static func writeGrid(_ g: LatLonGrid, prefix: String, to writer: ObjectWriter) throws {
        try writer.write(Dataset.lat(prefix), shape: [g.nlat], values: g.lat)
        try writer.write(Dataset.lon(prefix), shape: [g.nlon], values: g.lon)
        try writer.write(Dataset.latBounds(prefix), shape: [g.nlat, 2], values: g.latBounds)
        try writer.write(Dataset.lonBounds(prefix), shape: [g.nlon, 2], values: g.lonBounds)
    }

    static func readGrid(prefix: String, from object: StoredObject) throws -> LatLonGrid {
        try LatLonGrid(lat: try object.readDoubles(Dataset.lat(prefix)).values, lon: try object.readDoubles(Dataset.lon(prefix)).values,
                       latBounds: try object.readDoubles(Dataset.latBounds(prefix)).values,
                       lonBounds: try object.readDoubles(Dataset.lonBounds(prefix)).values)
    }
}

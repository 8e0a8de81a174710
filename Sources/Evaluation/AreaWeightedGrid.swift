import Foundation

/// A regular latitude-longitude grid: cell-centre coordinates in degrees and the cos(φ) area
/// weights every metric uses.
///
/// Not ClimateData's `LatLonGrid` (a normalised grid with cell bounds, for reading and regridding): this holds
/// only what the metrics need, the centres and their weights.
public struct AreaWeightedGrid: Sendable, Equatable {
    /// Cell-centre latitudes in degrees north, `[lat]`, in the order the fields store them.
    public let latitudes: [Double]
    /// Cell-centre longitudes in degrees east, `[lon]`, in the order the fields store them.
    public let longitudes: [Double]
    /// cos(φ) per latitude row, normalised to mean 1 over the rows, `[lat]`.
    public let rowWeights: [Double]

    /// Creates a grid; latitudes must lie in [-90, 90] and both axes must be non-empty.
    public init(latitudes: [Double], longitudes: [Double]) throws(EvaluationError) {
        guard !latitudes.isEmpty, !longitudes.isEmpty else {
            throw EvaluationError(.invalidArgument, "grid needs at least one latitude and one longitude "
                                  + "(got \(latitudes.count)×\(longitudes.count))")
        }
        guard latitudes.allSatisfy({ $0.isFinite && abs($0) <= 90 }) else {
            throw EvaluationError(.invalidArgument, "latitudes must be finite and within [-90, 90]")
        }
        self.latitudes = latitudes
        self.longitudes = longitudes
        let raw = latitudes.map { max(0, cos($0 * Double.pi / 180)) }
        let mean = raw.reduce(0, +) / Double(raw.count)
        self.rowWeights = mean > 0 ? raw.map { $0 / mean } : raw.map { _ in 1 }
    }

    /// A global grid of `nlat`×`nlon` equal-angle cells (centres at ±(90 − Δ/2), 0 + Δ/2 …).
    public static func global(nlat: Int, nlon: Int) throws(EvaluationError) -> AreaWeightedGrid {
        guard nlat > 0, nlon > 0 else {
            throw EvaluationError(.invalidArgument, "grid size must be positive, got \(nlat)×\(nlon)")
        }
        let dlat = 180.0 / Double(nlat), dlon = 360.0 / Double(nlon)
        return try AreaWeightedGrid(latitudes: (0..<nlat).map { -90 + dlat * (Double($0) + 0.5) },
                              longitudes: (0..<nlon).map { dlon * (Double($0) + 0.5) })
    }

    /// Number of latitude rows.
    public var nlat: Int { latitudes.count }
    /// Number of longitude columns.
    public var nlon: Int { longitudes.count }
    /// Number of cells, `nlat * nlon`.
    public var cellCount: Int { latitudes.count * longitudes.count }

    /// Per-cell weights `[lat, lon]` flattened, normalised to mean 1.
    public var cellWeights: [Double] {
        var w = [Double](); w.reserveCapacity(cellCount)
        for r in rowWeights { for _ in 0..<nlon { w.append(r) } }
        return w
    }

    /// cos(φ)-weighted mean of one field `[lat, lon]` (flattened, row-major).
    public func globalMean(_ field: ArraySlice<Float>) -> Double {
        var sum = 0.0
        var index = field.startIndex
        for r in 0..<nlat {
            var row = 0.0
            for _ in 0..<nlon { row += Double(field[index]); index += 1 }
            sum += row * rowWeights[r]
        }
        return sum / Double(cellCount)
    }

    /// cos(φ)-weighted mean of one field `[lat, lon]` (flattened, row-major).
    public func globalMean(_ field: [Float]) -> Double { globalMean(field[...]) }
}

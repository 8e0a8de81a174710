import Foundation

/// A rectilinear latitude–longitude grid of the simulator, laid out like the ESM grid it
/// imitates: Gaussian latitudes (spectral models), regular latitudes with rows on both poles
/// (finite-volume models such as CESM and NorESM, and IPSL's LMDZ), or regular latitudes offset
/// by half a cell. Latitudes ascend (S→N), longitudes are 0…360 east.
public struct SimulatorGrid: Sendable, Hashable {
    /// How latitudes are placed.
    public enum Kind: String, Sendable, Hashable {
        /// Gauss–Legendre latitudes; bounds from the Gaussian weights (sin φ bounds = cumulative weights).
        case gaussian
        /// Regular spacing 180/(n−1) including both poles; bounds are midpoints clipped at ±90.
        case regularWithPoles
        /// Regular spacing 180/n, centres half a cell off the poles.
        case regularOffset
    }

    /// Latitude placement.
    public var kind: Kind
    /// Latitude centres, degrees north, ascending; count = nlat.
    public var latitudes: [Double]
    /// Longitude centres, degrees east; count = nlon.
    public var longitudes: [Double]
    /// Latitude bounds, shape [nlat, 2].
    public var latitudeBounds: [Double]
    /// Longitude bounds, shape [nlon, 2].
    public var longitudeBounds: [Double]

    /// Number of latitudes.
    public var nlat: Int { latitudes.count }
    /// Number of longitudes.
    public var nlon: Int { longitudes.count }
    /// Number of cells (nlat × nlon).
    public var cellCount: Int { nlat * nlon }

    /// Builds a grid of `nlat` × `nlon` cells; `longitudeOffset` is the first longitude in units
    /// of the longitude spacing (0: start at 0°E; 0.5: half-cell offset).
    public init(kind: Kind, nlat: Int, nlon: Int, longitudeOffset: Double) throws(SimulatorError) {
        guard nlat >= 4, nlon >= 4 else {
            throw SimulatorError(.badParameter, "grid \(nlat)x\(nlon) is too small (at least 4x4)")
        }
        if kind == .gaussian && nlat % 2 != 0 {
            throw SimulatorError(.badParameter, "a Gaussian grid needs an even number of latitudes, not \(nlat)")
        }
        self.kind = kind
        let dlon = 360.0 / Double(nlon)
        longitudes = (0..<nlon).map { (Double($0) + longitudeOffset) * dlon }
        longitudeBounds = longitudes.flatMap { [$0 - dlon / 2, $0 + dlon / 2] }
        switch kind {
        case .gaussian:
            let (lats, weights) = GaussianLatitudes.compute(nlat)
            latitudes = lats
            var edges = [-1.0]
            for w in weights { edges.append(min(1, edges[edges.count - 1] + w)) }
            edges[nlat] = 1
            let degrees: [Double] = edges.map { (e: Double) -> Double in asin(e) * 180 / Double.pi }
            var b: [Double] = []
            for j in 0..<nlat { b.append(degrees[j]); b.append(degrees[j + 1]) }
            latitudeBounds = b
        case .regularWithPoles:
            let d = 180.0 / Double(nlat - 1)
            latitudes = (0..<nlat).map { -90 + Double($0) * d }
            latitudeBounds = latitudes.flatMap { [max(-90, $0 - d / 2), min(90, $0 + d / 2)] }
        case .regularOffset:
            let d = 180.0 / Double(nlat)
            latitudes = (0..<nlat).map { -90 + (Double($0) + 0.5) * d }
            latitudeBounds = latitudes.flatMap { [$0 - d / 2, $0 + d / 2] }
        }
    }

    /// Cell areas as fractions of the sphere (sum 1), shape [nlat, nlon].
    public var areaWeights: [Double] {
        var w = [Double](repeating: 0, count: cellCount)
        for j in 0..<nlat {
            let band = (sin(latitudeBounds[2 * j + 1] * .pi / 180) - sin(latitudeBounds[2 * j] * .pi / 180)) / 2
            for i in 0..<nlon {
                let width = (longitudeBounds[2 * i + 1] - longitudeBounds[2 * i]) / 360
                w[j * nlon + i] = band * width
            }
        }
        return w
    }

    /// Area-weighted mean of one field of shape [nlat, nlon].
    public func globalMean(_ field: ArraySlice<Float>, weights: [Double]) -> Double {
        var s = 0.0
        for (k, v) in field.enumerated() { s += weights[k] * Double(v) }
        return s
    }

    /// The grid as the CF layer's `LatLonGrid` (with these bounds), for writing files.
    public func latLonGrid() throws(ClimateDataError) -> LatLonGrid {
        try LatLonGrid(lat: latitudes, lon: longitudes, latBounds: latitudeBounds, lonBounds: longitudeBounds)
    }
}

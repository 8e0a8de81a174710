import Foundation

/// A rectilinear latitude–longitude grid, normalised: latitudes ascending (south to north),
/// longitudes strictly increasing within one 360° turn. Cell bounds are always present (read
/// from the file or derived from the centres; `boundsDerived` says which).
///
/// Shape contract: `latBounds.count == 2 * lat.count`, `lonBounds.count == 2 * lon.count`,
/// pairs (lower, upper); fields on this grid are row-major `[lat, lon]`.
public struct LatLonGrid: Sendable, Hashable, CustomStringConvertible {
    /// How the latitudes are spaced.
    public enum Kind: String, Sendable, Hashable {
        /// Equally spaced latitudes (and longitudes).
        case regular = "lonlat"
        /// Gaussian latitudes (roots of a Legendre polynomial), equally spaced longitudes.
        case gaussian
        /// Any other monotonic spacing.
        case irregular = "rectilinear"
    }

    /// Cell-centre latitudes, degrees north, ascending.
    public var lat: [Double]
    /// Cell-centre longitudes, degrees east, strictly increasing, spanning less than 360°.
    public var lon: [Double]
    /// Latitude cell bounds, `2 * lat.count`, clipped to ±90.
    public var latBounds: [Double]
    /// Longitude cell bounds, `2 * lon.count`.
    public var lonBounds: [Double]
    /// True when bounds were computed from the centres rather than read.
    public var boundsDerived: Bool
    /// Detected spacing kind.
    public var kind: Kind

    /// Number of latitudes.
    public var nlat: Int { lat.count }
    /// Number of longitudes.
    public var nlon: Int { lon.count }
    /// Number of cells.
    public var size: Int { lat.count * lon.count }

    /// Creates a grid from centres (any order/convention is *not* accepted here: pass normalised
    /// values) and optional bounds; missing bounds are derived. Throws on non-monotonic input.
    public init(lat: [Double], lon: [Double], latBounds: [Double]? = nil, lonBounds: [Double]? = nil) throws(ClimateDataError) {
        guard !lat.isEmpty, !lon.isEmpty else { throw ClimateDataError(.malformed, "empty latitude or longitude axis") }
        for i in 1..<max(lat.count, 1) where lat.count > 1 && !(lat[i] > lat[i - 1]) {
            throw ClimateDataError(.malformed, "latitudes are not strictly ascending at index \(i)")
        }
        for i in 1..<max(lon.count, 1) where lon.count > 1 && !(lon[i] > lon[i - 1]) {
            throw ClimateDataError(.malformed, "longitudes are not strictly increasing at index \(i)")
        }
        guard lat.allSatisfy({ abs($0) <= 90 + 1e-9 }) else { throw ClimateDataError(.malformed, "latitude outside ±90°") }
        if let b = latBounds, b.count != 2 * lat.count { throw ClimateDataError(.mismatch, "lat bounds have \(b.count) values for \(lat.count) latitudes") }
        if let b = lonBounds, b.count != 2 * lon.count { throw ClimateDataError(.mismatch, "lon bounds have \(b.count) values for \(lon.count) longitudes") }
        self.lat = lat
        self.lon = lon
        let gaussian = GaussianLatitudes.matches(lat)
        self.kind = gaussian ? .gaussian : (LatLonGrid.isEven(lat) && LatLonGrid.isEven(lon) ? .regular : .irregular)
        self.boundsDerived = latBounds == nil || lonBounds == nil
        self.latBounds = latBounds.map { $0.map { min(90, max(-90, $0)) } } ?? LatLonGrid.deriveLatBounds(lat, gaussian: gaussian)
        self.lonBounds = lonBounds ?? LatLonGrid.deriveLonBounds(lon)
    }

    /// CDO's global regular grid `r<nlon>x<nlat>`: lon 0, Δ, …; lat cell-centred from −90+Δ/2.
    public static func regular(nlon: Int, nlat: Int) throws(ClimateDataError) -> LatLonGrid {
        guard nlon > 0, nlat > 0 else { throw ClimateDataError(.invalidArgument, "grid r\(nlon)x\(nlat) has no cells") }
        let dlon = 360 / Double(nlon), dlat = 180 / Double(nlat)
        let lon = (0..<nlon).map { Double($0) * dlon }
        let lat = (0..<nlat).map { -90 + (Double($0) + 0.5) * dlat }
        var lonB: [Double] = [], latB: [Double] = []
        for i in 0..<nlon { lonB.append((Double(i) - 0.5) * dlon); lonB.append((Double(i) + 0.5) * dlon) }
        for j in 0..<nlat { latB.append(-90 + Double(j) * dlat); latB.append(-90 + Double(j + 1) * dlat) }
        var g = try LatLonGrid(lat: lat, lon: lon, latBounds: latB, lonBounds: lonB)
        g.boundsDerived = false
        return g
    }

    /// A global Gaussian grid with `nlat` latitudes and `nlon` equally spaced longitudes from 0.
    public static func gaussian(nlon: Int, nlat: Int) throws(ClimateDataError) -> LatLonGrid {
        guard nlon > 0, nlat > 1 else { throw ClimateDataError(.invalidArgument, "Gaussian grid needs nlat > 1") }
        let lat = GaussianLatitudes.compute(nlat).latitudes
        let lon = (0..<nlon).map { Double($0) * 360 / Double(nlon) }
        return try LatLonGrid(lat: lat, lon: lon)
    }

    /// Parses a grid name: `r<nlon>x<nlat>` (regular) or `n<N>` / `F<N>` (Gaussian with 2N latitudes, 4N longitudes).
    public static func named(_ name: String) throws(ClimateDataError) -> LatLonGrid {
        let s = name.lowercased()
        if s.hasPrefix("r"), let x = s.firstIndex(of: "x"),
           let a = Int(s[s.index(after: s.startIndex)..<x]), let b = Int(s[s.index(after: x)...]) {
            return try regular(nlon: a, nlat: b)
        }
        if s.hasPrefix("n") || s.hasPrefix("f"), let n = Int(s.dropFirst()) {
            return try gaussian(nlon: 4 * n, nlat: 2 * n)
        }
        throw ClimateDataError(.invalidArgument, "unknown grid name '\(name)' (use r<nlon>x<nlat>, e.g. r72x36, or n<N> for a Gaussian grid)")
    }

    /// Whether longitudes cover the full circle (bounds span 360° within 1e-6).
    public var isGlobalInLongitude: Bool {
        guard let first = lonBounds.first, let last = lonBounds.last else { return false }
        return abs((last - first) - 360) < 1e-6
    }

    /// `gaussian 96x144` style: kind, nlat x nlon.
    public var description: String { "\(kind.rawValue) \(nlat)x\(nlon)" }

    /// Area of each cell on the unit sphere (steradians), row-major `[lat, lon]`.
    public var cellAreas: [Double] {
        var out = [Double](repeating: 0, count: size)
        for j in 0..<nlat {
            let s = sin(latBounds[2 * j + 1] * .pi / 180) - sin(latBounds[2 * j] * .pi / 180)
            for i in 0..<nlon { out[j * nlon + i] = s * (lonBounds[2 * i + 1] - lonBounds[2 * i]) * .pi / 180 }
        }
        return out
    }

    static func isEven(_ v: [Double]) -> Bool {
        guard v.count > 2 else { return true }
        let d = v[1] - v[0]
        for i in 2..<v.count where abs((v[i] - v[i - 1]) - d) > 1e-6 * max(1, abs(d)) { return false }
        return true
    }

    static func deriveLatBounds(_ lat: [Double], gaussian: Bool) -> [Double] {
        let n = lat.count
        if n == 1 { return [max(-90, lat[0] - 0.5), min(90, lat[0] + 0.5)] }
        var edges = [Double](repeating: 0, count: n + 1)
        for k in 1..<n { edges[k] = (lat[k - 1] + lat[k]) / 2 }
        edges[0] = lat[0] - (lat[1] - lat[0]) / 2
        edges[n] = lat[n - 1] + (lat[n - 1] - lat[n - 2]) / 2
        // A Gaussian grid covers the sphere: its outer edges are the poles (as CDO derives them).
        if gaussian { edges[0] = -90; edges[n] = 90 }
        var out: [Double] = []
        for k in 0..<n { out.append(min(90, max(-90, edges[k]))); out.append(min(90, max(-90, edges[k + 1]))) }
        return out
    }

    static func deriveLonBounds(_ lon: [Double]) -> [Double] {
        let n = lon.count
        if n == 1 { return [lon[0] - 180, lon[0] + 180] }
        var edges = [Double](repeating: 0, count: n + 1)
        for k in 1..<n { edges[k] = (lon[k - 1] + lon[k]) / 2 }
        edges[0] = lon[0] - (lon[1] - lon[0]) / 2
        edges[n] = lon[n - 1] + (lon[n - 1] - lon[n - 2]) / 2
        // A grid that almost closes the circle is global: make the wrap edge shared exactly.
        let span = edges[n] - edges[0]
        if abs(span - 360) < 1e-3 * 360 / Double(n) {
            let wrap = (lon[n - 1] - 360 + lon[0]) / 2
            edges[0] = wrap; edges[n] = wrap + 360
        }
        var out: [Double] = []
        for k in 0..<n { out.append(edges[k]); out.append(edges[k + 1]) }
        return out
    }
}

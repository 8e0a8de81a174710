/// Coastlines to draw over maps: polylines of (longitude, latitude) in degrees, longitudes in [−180, 180].
public struct Coastline: Sendable {
    /// The polylines, each at least two points.
    public let polylines: [[(lon: Double, lat: Double)]]

    /// Parses the compact text form: one polyline a line, space-separated `lon,lat` pairs in tenths of
    /// a degree (integers); malformed pairs are dropped, lines of fewer than two points ignored.
    public init(tenthsOfDegree text: String) {
        polylines = text.split(separator: "\n").compactMap { line in
            let points = line.split(separator: " ").compactMap { pair -> (lon: Double, lat: Double)? in
                let parts = pair.split(separator: ",")
                guard parts.count == 2, let x = Int(parts[0]), let y = Int(parts[1]) else { return nil }
                return (Double(x) / 10, Double(y) / 10)
            }
            return points.count > 1 ? points : nil
        }
    }

    /// Natural Earth's 1:110m coastline (public domain), extracted by `scripts/extract_coastline.py`.
    public static let naturalEarth110m = Coastline(tenthsOfDegree: naturalEarth110mText)

    /// The polylines with every longitude moved into `[west, west + 360)`, split where a line wraps
    /// across that window's edge, so they can be drawn on a map whose longitudes start at `west`.
    public func wrapped(west: Double) -> [[(lon: Double, lat: Double)]] {
        var out: [[(lon: Double, lat: Double)]] = []
        for line in polylines {
            var current: [(lon: Double, lat: Double)] = []
            for p in line {
                var lon = (p.lon - west).truncatingRemainder(dividingBy: 360)
                if lon < 0 { lon += 360 }
                let q = (lon: lon + west, lat: p.lat)
                if let last = current.last, abs(q.lon - last.lon) > 180 {
                    if current.count > 1 { out.append(current) }
                    current = []
                }
                current.append(q)
            }
            if current.count > 1 { out.append(current) }
        }
        return out
    }
}

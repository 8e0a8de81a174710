import Foundation

/// The simulator's shared Earth: continuous functions of latitude and longitude (degrees), so
/// every model grid samples the same continents at its own resolution. Continents are unions
/// of super-Gaussian caps exp(−(d/r)^4) (d: great-circle distance) plus Antarctica south of
/// about 66°S; sea ice lives on ocean poleward of about 60°N and 55°S.
public enum ClimateSuiteGeography {
    /// Caps (centre latitude, centre longitude, radius; degrees) forming the continents.
    static let landCaps: [(Double, Double, Double)] = [
        // North America, Greenland
        (50, 255, 22), (40, 265, 16), (62, 250, 18), (65, 280, 15), (32, 255, 10), (18, 262, 8), (73, 318, 9),
        // South America
        (-5, 295, 17), (-20, 300, 14), (-38, 291, 9),
        // Europe
        (50, 15, 13), (60, 25, 12), (41, 357, 7),
        // Africa, Arabia
        (15, 15, 20), (0, 22, 16), (-20, 25, 12), (25, 30, 12), (23, 47, 9),
        // Asia
        (55, 90, 25), (66, 120, 22), (45, 70, 18), (35, 100, 18), (20, 78, 9), (15, 102, 8), (62, 150, 15),
        // Australia
        (-25, 135, 13),
    ]

    /// Industrial aerosol source regions (lat, lon, radius): East Asia, Europe, North America, South Asia.
    static let aerosolCaps: [(Double, Double, Double, Double)] = [
        (33, 112, 18, 1.0), (48, 15, 14, 0.7), (40, 275, 14, 0.6), (23, 80, 11, 0.8),
    ]

    /// Great-circle distance in degrees.
    static func distance(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let r = Double.pi / 180
        let c = sin(lat1 * r) * sin(lat2 * r) + cos(lat1 * r) * cos(lat2 * r) * cos((lon1 - lon2) * r)
        return acos(max(-1, min(1, c))) / r
    }

    /// Smooth step from 0 at `a` to 1 at `b` (either order).
    static func smoothstep(_ a: Double, _ b: Double, _ x: Double) -> Double {
        let t = max(0, min(1, (x - a) / (b - a)))
        return t * t * (3 - 2 * t)
    }

    /// Land fraction in [0, 1].
    public static func land(lat: Double, lon: Double) -> Double {
        var sea = 1.0
        for (clat, clon, radius) in landCaps {
            let d = distance(lat, lon, clat, clon) / radius
            sea *= 1 - exp(-d * d * d * d)
        }
        sea *= 1 - antarctica(lat: lat)
        return 1 - sea
    }

    /// Antarctic ice sheet weight (1 south of 70°S, 0 north of 63°S).
    public static func antarctica(lat: Double) -> Double { smoothstep(-63, -70, lat) }

    /// Weight of seasonal sea-ice cover on ocean (0…1), before warming removes it.
    public static func seaIce(lat: Double, land: Double) -> Double {
        (1 - land) * max(smoothstep(58, 72, lat), smoothstep(-52, -64, lat))
    }

    /// Aerosol source pattern (0…1).
    public static func aerosol(lat: Double, lon: Double) -> Double {
        var s = 0.0
        for (clat, clon, radius, weight) in aerosolCaps {
            let d = distance(lat, lon, clat, clon) / radius
            s += weight * exp(-d * d)
        }
        return min(1, s)
    }

    /// A smooth, model-specific random field of roughly unit standard deviation built from
    /// low-order waves (zonal wavenumbers 0…3, meridional 0…3) with coefficients drawn from
    /// `stream`; continuous on the sphere (zonal waves vanish at the poles).
    public static func smoothField(lat: Double, lon: Double, stream: SimulatorRandom) -> Double {
        let r = Double.pi / 180
        var s = 0.0
        var k: UInt64 = 0
        for q in 0...3 {
            for p in 0...3 {
                let a = stream.normal(k), theta = 2 * Double.pi * stream.uniform(1000 + k),
                    psi = 2 * Double.pi * stream.uniform(2000 + k)
                k += 1
                let zonal = q == 0 ? 1 : cos(Double(q) * lon * r + theta) * pow(cos(lat * r), Double(q))
                s += a * zonal * cos(Double(p) * lat * r + psi)
            }
        }
        return s / 2.0
    }
}

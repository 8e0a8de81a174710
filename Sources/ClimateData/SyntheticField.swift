import Foundation

/// A deterministic, smooth temperature-like test field (K) on any lat–lon grid: a latitude
/// gradient, a seasonal cycle, zonal waves and small hash-based noise. Used by the regridding
/// benchmark and tests, where real full-resolution model output is not available offline.
///
/// Shape contract: returns `steps * grid.size` values, row-major `[time, lat, lon]`.
public enum SyntheticField {
    /// Field values for `steps` monthly steps.
    public static func temperature(grid: LatLonGrid, steps: Int, seed: UInt64 = 1) -> [Float] {
        var out = [Float](repeating: 0, count: steps * grid.size)
        let deg = Double.pi / 180
        for s in 0..<steps {
            let season = cos(2 * Double.pi * Double(s % 12) / 12)
            for j in 0..<grid.nlat {
                let phi = grid.lat[j] * deg
                for i in 0..<grid.nlon {
                    let lam = grid.lon[i] * deg
                    var h = seed &+ UInt64(s * 1_000_003 + j * 7919 + i) &* 0x9E37_79B9_7F4A_7C15
                    h ^= h >> 29; h = h &* 0xBF58_476D_1CE4_E5B9; h ^= h >> 32
                    let noise = Double(h % 10_000) / 10_000 - 0.5
                    let v = 288 - 40 * sin(phi) * sin(phi) + 12 * season * sin(phi) + 5 * cos(3 * lam) * cos(phi)
                        + 3 * sin(2 * lam + phi) + 0.5 * noise
                    out[(s * grid.nlat + j) * grid.nlon + i] = Float(v)
                }
            }
        }
        return out
    }

    /// Writes the field to a CF netCDF-4 file (`tas`, noleap monthly from 1850; shuffle+deflate 1,
    /// one time step per chunk as CMIP files are).
    public static func writeFile(path: String, grid: LatLonGrid, steps: Int, withGridBounds: Bool = true, deflateLevel: Int = 1) throws(ClimateDataError) {
        let years = (steps + 11) / 12
        var time = try TimeAxis.monthly(calendar: CFCalendar(.noLeap), units: CFTimeUnits(parsing: "days since 1850-01-01"), startYear: 1850, endYear: 1850 + years - 1)
        time.values = Array(time.values.prefix(steps))
        time.bounds = time.bounds.map { Array($0.prefix(2 * steps)) }
        var spec = CFFileSpec(variable: CFVariableSpec(name: "tas", standardName: "air_temperature", longName: "Near-Surface Air Temperature", units: "K", cellMethods: "area: time: mean"),
                              grid: grid, time: time, deflateLevel: deflateLevel, timeStepsPerChunk: 1)
        spec.writeGridBounds = withGridBounds
        try CFWriter.write(path: path, spec: spec, values: temperature(grid: grid, steps: steps))
    }
}

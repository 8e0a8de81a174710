import Evaluation
import Foundation

/// Synthetic but climate-like data for figures and report tests: a warming world on a coarse grid.
enum SampleClimate {
    static func grid() throws -> AreaWeightedGrid { try AreaWeightedGrid.global(nlat: 32, nlon: 64) }

    /// Global warming (K) in `year` for a ssp245-like path.
    static func warming(_ year: Double) -> Double {
        let x = max(0, year - 1900) / 200
        return 3.2 * x * x * (1.4 - 0.4 * x)
    }

    /// The scenario's forcing proxy: warming scaled after 2014 by `scale`.
    static func forcing(_ year: Double, _ scale: Double) -> Double {
        year < 2015 ? warming(year) : warming(2014) + scale * (warming(year) - warming(2014))
    }

    /// tas `[members, years, lat, lon]`: climatology + polar-amplified warming + smooth noise.
    static func tas(members: Int, firstYear: Int, years: Int, grid: AreaWeightedGrid, seed: UInt64, bias: Double = 0,
                    warmingScale: Double = 1) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(members * years * grid.cellCount)
        for m in 0..<members {
            var rng = SeededGenerator(seed: seed, stream: UInt64(m))
            var previous = [Double](repeating: 0, count: 8)
            for y in 0..<years {
                let dT = forcing(Double(firstYear + y), warmingScale)
                // A few large-scale noise modes, AR(1) in time.
                for k in 0..<8 { previous[k] = 0.5 * previous[k] + 0.35 * rng.nextGaussian() }
                for lat in grid.latitudes {
                    let phi = lat * .pi / 180
                    let amplification = 0.7 + 1.2 * pow(sin(phi), 2) + (lat > 0 ? 0.3 : 0)
                    for lon in grid.longitudes {
                        let lambda = lon * .pi / 180
                        let land = sin(2 * lambda) * cos(phi) > 0.3 && lat > -50 ? 1.0 : 0.0
                        let clim = 300 - 48 * pow(sin(phi), 2) - 6 * land * abs(sin(phi))
                        var noise = 0.0
                        for k in 0..<4 { noise += previous[k] * sin(Double(k + 1) * lambda + Double(k)) * cos(phi) }
                        for k in 4..<8 { noise += previous[k] * cos(Double(k - 2) * phi) * (0.5 + 0.5 * abs(sin(phi))) }
                        out.append(Float(clim + dT * amplification * (1 + 0.3 * land) + noise * (1 + land) + bias))
                    }
                }
            }
        }
        return out
    }
}

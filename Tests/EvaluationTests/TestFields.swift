import Evaluation

/// Small deterministic fields for tests: a latitude gradient, a trend and Gaussian noise.
enum TestFields {
    /// `[members, times, lat, lon]` values: base(lat) + trend·t + offset + noise·σ.
    static func make(members: Int, times: Int, grid: AreaWeightedGrid, seed: UInt64, offset: Double = 0,
                     noise: Double = 0.5) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        var out: [Float] = []
        out.reserveCapacity(members * times * grid.cellCount)
        for _ in 0..<members {
            for t in 0..<times {
                for lat in grid.latitudes {
                    for lon in grid.longitudes {
                        let base = 288 - 30 * (lat / 90) * (lat / 90) + 2 * (lon / 360)
                        out.append(Float(base + 0.03 * Double(t) + offset + noise * rng.nextGaussian()))
                    }
                }
            }
        }
        return out
    }
}

import Foundation

/// A deterministic climate-like float32 field [time, lat, lon] produced row by row (one time step per
/// row) for benchmarks: a latitude gradient, a seasonal cycle, zonal waves, per-cell AR(1) anomalies
/// (1.5 K) and 0.1 K white noise. Memory is O(lat*lon) whatever the number of steps.
package final class ClimateFieldGenerator {
    /// Grid size.
    package let lat: Int, lon: Int
    private var step = 0
    private var state: UInt64
    private var anomaly: [Float]
    private let base: [Float]

    /// Makes a generator for a lat x lon grid.
    package init(lat: Int, lon: Int, seed: UInt64 = 20_260_101) {
        self.lat = lat
        self.lon = lon
        state = seed | 1
        anomaly = [Float](repeating: 0, count: lat * lon)
        var base = [Float](repeating: 0, count: lat * lon)
        for j in 0..<lat {
            let phi = (Double(j) + 0.5) / Double(lat) * Double.pi - Double.pi / 2
            for k in 0..<lon {
                let lambda = Double(k) / Double(lon) * 2 * Double.pi
                base[j * lon + k] = Float(258 + 40 * cos(phi) + 3 * sin(3 * lambda) * cos(phi))
            }
        }
        self.base = base
    }

    private func uniform() -> Float {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Double(state >> 40) / Double(1 << 24)) - 0.5
    }

    /// Appends the next `steps` time steps (row-major [steps, lat, lon]) to `output`.
    package func next(_ steps: Int, into output: inout [Float]) {
        output.removeAll(keepingCapacity: true)
        output.reserveCapacity(steps * lat * lon)
        for _ in 0..<steps {
            let season = Float(8 * sin(2 * Double.pi * Double(step) / 12))
            for j in 0..<lat {
                let hemisphere: Float = j < lat / 2 ? -1 : 1
                for k in 0..<lon {
                    let i = j * lon + k
                    anomaly[i] = 0.9 * anomaly[i] + 0.65 * uniform()
                    // Spatially smooth part: blend with the western neighbour.
                    let smooth = k > 0 ? 0.5 * (anomaly[i] + anomaly[i - 1]) : anomaly[i]
                    output.append(base[i] + hemisphere * season + 3 * smooth + 0.2 * uniform())
                }
            }
            step += 1
        }
    }
}

import Foundation

/// Counter-based random numbers for the simulator: every draw is a pure function of a 64-bit
/// stream key and a 64-bit counter (two rounds of the SplitMix64 finaliser over the key-mixed
/// counter), so any member, experiment, frame or cell can be generated independently, in any
/// order and on any thread, with identical results. Streams are derived from a seed and labels
/// with `SimulatorRandom.stream(_:_:)` (FNV-1a over the labels, never Swift's seeded `hashValue`).
public struct SimulatorRandom: Sendable, Hashable {
    /// The stream key.
    public let key: UInt64

    /// A stream with an explicit key.
    public init(key: UInt64) { self.key = key }

    /// A stream derived from a seed and labels (e.g. model, experiment, member, "tas-noise").
    public static func stream(_ seed: UInt64, _ labels: [String]) -> SimulatorRandom {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ mix(seed)
        for label in labels {
            for byte in label.utf8 {
                h ^= UInt64(byte)
                h = h &* 0x0000_0100_0000_01b3
            }
            h ^= 0xff
            h = h &* 0x0000_0100_0000_01b3
        }
        return SimulatorRandom(key: mix(h))
    }

    /// A sub-stream of this one.
    public func child(_ label: String) -> SimulatorRandom { SimulatorRandom.stream(key, [label]) }

    /// SplitMix64 finaliser.
    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// 64 random bits for `counter`.
    @inline(__always) public func bits(_ counter: UInt64) -> UInt64 {
        SimulatorRandom.mix(SimulatorRandom.mix(key ^ (counter &* 0xd1b5_4a32_d192_ed03)) &+ key)
    }

    /// A uniform number in (0, 1) for `counter`.
    @inline(__always) public func uniform(_ counter: UInt64) -> Double {
        (Double(bits(counter) >> 11) + 0.5) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A standard normal number for `counter` (Box–Muller on two derived uniforms).
    @inline(__always) public func normal(_ counter: UInt64) -> Double {
        let u1 = uniform(counter &* 2)
        let u2 = uniform(counter &* 2 &+ 1)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Fills `out` with standard normals for counters `first ..< first + out.count`
    /// (Marsaglia's polar method: each pair of outputs uses counter c; a rejected candidate
    /// retries with derived counters, so the result stays a pure function of the counters).
    /// These values are not comparable with `normal(_:)`.
    public func fillNormals(_ out: inout [Float], first: UInt64) {
        let n = out.count
        out.withUnsafeMutableBufferPointer { buf in
            var i = 0
            var c = first
            while i < n {
                var attempt: UInt64 = 0
                var x = 0.0, y = 0.0, s = 0.0
                repeat {
                    let h = bits(c &+ (attempt << 56))
                    x = Double(Int32(truncatingIfNeeded: h)) * (1.0 / 2_147_483_648.0)
                    y = Double(Int32(truncatingIfNeeded: h >> 32)) * (1.0 / 2_147_483_648.0)
                    s = x * x + y * y
                    attempt &+= 1
                } while s >= 1 || s == 0
                let f = (-2 * log(s) / s).squareRoot()
                buf[i] = Float(x * f)
                if i + 1 < n { buf[i + 1] = Float(y * f) }
                i += 2
                c &+= 1
            }
        }
    }
}

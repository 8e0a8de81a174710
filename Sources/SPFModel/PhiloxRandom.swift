import Foundation

/// Counter-based Philox-4x32-10 random numbers with independent, addressable streams.
///
/// A stream is named by a 64-bit stream id; the i-th number of a stream depends only on
/// (seed, stream id, i), never on thread count, batch composition or resumption.
public struct PhiloxRandom: Sendable, Codable, Equatable {
    /// The 64-bit key (the user seed).
    public let seed: UInt64

    /// Creates a generator for a seed.
    public init(seed: UInt64) { self.seed = seed }

    /// One Philox-4x32-10 block for a 128-bit counter.
    @inline(__always)
    static func block(key: UInt64, counter: (UInt32, UInt32, UInt32, UInt32)) -> (UInt32, UInt32, UInt32, UInt32) {
        var c0 = counter.0, c1 = counter.1, c2 = counter.2, c3 = counter.3
        var k0 = UInt32(truncatingIfNeeded: key), k1 = UInt32(truncatingIfNeeded: key >> 32)
        for round in 0..<10 {
            if round > 0 { k0 &+= 0x9E37_79B9; k1 &+= 0xBB67_AE85 }
            let p0 = UInt64(0xD251_1F53) &* UInt64(c0)
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(c2)
            let hi0 = UInt32(truncatingIfNeeded: p0 >> 32), lo0 = UInt32(truncatingIfNeeded: p0)
            let hi1 = UInt32(truncatingIfNeeded: p1 >> 32), lo1 = UInt32(truncatingIfNeeded: p1)
            c0 = hi1 ^ c1 ^ k0
            c1 = lo1
            c2 = hi0 ^ c3 ^ k1
            c3 = lo0
        }
        return (c0, c1, c2, c3)
    }

    /// Derives a stream id from a list of integer labels (member, stage, frame, purpose...).
    public static func streamID(_ labels: [Int]) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        for label in labels {
            h ^= UInt64(bitPattern: Int64(label)) &+ 0x9E37_79B9_7F4A_7C15 &+ (h << 6) &+ (h >> 2)
            h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
            h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
            h ^= h >> 31
        }
        return h
    }

    /// Fills `out` with standard normals number `offset ..< offset+out.count` of a stream (Box–Muller).
    public func fillNormals(stream: UInt64, offset: Int = 0, into out: UnsafeMutableBufferPointer<Float>) {
        let n = out.count
        if n == 0 { return }
        let s0 = UInt32(truncatingIfNeeded: stream), s1 = UInt32(truncatingIfNeeded: stream >> 32)
        var i = 0
        while i < n {
            let pos = offset + i
            let blockIndex = pos / 4
            let b = PhiloxRandom.block(key: seed, counter: (UInt32(truncatingIfNeeded: blockIndex),
                                                            UInt32(truncatingIfNeeded: blockIndex >> 32), s0, s1))
            let u = [b.0, b.1, b.2, b.3].map { (Double($0) + 0.5) * (1.0 / 4_294_967_296.0) }
            let r0 = (-2 * _log(u[0])).squareRoot(), r1 = (-2 * _log(u[2])).squareRoot()
            let a0 = 2 * Double.pi * u[1], a1 = 2 * Double.pi * u[3]
            let vals = [r0 * _cos(a0), r0 * _sin(a0), r1 * _cos(a1), r1 * _sin(a1)]
            var k = pos % 4
            while k < 4 && i < n {
                out[i] = Float(vals[k])
                k += 1
                i += 1
            }
        }
    }

    /// Standard normals `offset ..< offset+count` of a stream.
    public func normals(stream: UInt64, offset: Int = 0, count: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { fillNormals(stream: stream, offset: offset, into: $0) }
        return out
    }

    /// Uniforms in [0, 1) number `offset ..< offset+count` of a stream.
    public func uniforms(stream: UInt64, offset: Int = 0, count: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        let s0 = UInt32(truncatingIfNeeded: stream), s1 = UInt32(truncatingIfNeeded: stream >> 32)
        for i in 0..<count {
            let pos = offset + i
            let bi = pos / 4
            let b = PhiloxRandom.block(key: seed, counter: (UInt32(truncatingIfNeeded: bi), UInt32(truncatingIfNeeded: bi >> 32), s0, s1))
            let w: UInt32
            switch pos % 4 { case 0: w = b.0; case 1: w = b.1; case 2: w = b.2; default: w = b.3 }
            out[i] = Double(w) * (1.0 / 4_294_967_296.0)
        }
        return out
    }
}

@inline(__always) func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Foundation.cos(x) }
@inline(__always) func _sin(_ x: Double) -> Double { Foundation.sin(x) }

import Foundation

/// A splittable, counter-based random stream on ``Philox``: same seed, same numbers, whatever the
/// thread count, the order streams are used in, or whether a run was resumed.
///
/// A stream is a key (identity) plus a block position. Element `i` of a fill comes from block
/// `position + i / 4`, so fills are parallel without changing results. ``child(_:)`` derives an
/// independent stream for a sub-task (an ensemble member, a batch item, a training step) from
/// the parent's identity and an index, not from how many numbers the parent has drawn.
public struct RandomStream: RandomNumberGenerator, Sendable, Equatable {
    /// The Philox key (this stream's identity, part 1).
    public private(set) var key: SIMD2<UInt32>
    /// Counter words 2–3 (this stream's identity, part 2).
    public private(set) var stream: UInt64
    /// Next unused block (counter words 0–1).
    public var position: UInt64

    /// The root stream of `seed`.
    public init(seed: UInt64) {
        key = SIMD2(UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
        stream = 0
        position = 0
    }

    /// Restores a stream from ``state``.
    public init(state: [UInt64]) throws(TensorError) {
        guard state.count == 3 else {
            throw TensorError(.invalidArgument, "random stream state needs 3 words, got \(state.count)")
        }
        key = SIMD2(UInt32(truncatingIfNeeded: state[0]), UInt32(truncatingIfNeeded: state[0] >> 32))
        stream = state[1]
        position = state[2]
    }

    /// The full state as three words: key, stream, position.
    public var state: [UInt64] { [UInt64(key[0]) | UInt64(key[1]) << 32, stream, position] }

    /// An independent stream identified by this stream and `index` (position 0).
    public func child(_ index: UInt64) -> RandomStream {
        let derivationKey = SIMD2<UInt32>(key[0] ^ 0x243F_6A88, key[1] ^ 0x85A3_08D3)
        let counter = SIMD4<UInt32>(UInt32(truncatingIfNeeded: index), UInt32(truncatingIfNeeded: index >> 32),
                                    UInt32(truncatingIfNeeded: stream), UInt32(truncatingIfNeeded: stream >> 32))
        let b = Philox.block(counter: counter, key: derivationKey)
        var s = self
        s.key = SIMD2(b[0], b[1])
        s.stream = UInt64(b[2]) | UInt64(b[3]) << 32
        s.position = 0
        return s
    }

    /// The 4 words of block `index` (does not advance).
    @inlinable
    public func block(_ index: UInt64) -> SIMD4<UInt32> {
        Philox.block(counter: SIMD4(UInt32(truncatingIfNeeded: index), UInt32(truncatingIfNeeded: index >> 32),
                                    UInt32(truncatingIfNeeded: stream), UInt32(truncatingIfNeeded: stream >> 32)),
                     key: key)
    }

    /// 64 random bits (consumes one block).
    public mutating func next() -> UInt64 {
        let b = block(position)
        position &+= 1
        return UInt64(b[0]) | UInt64(b[1]) << 32
    }

    /// A uniform float in (0, 1) from a 32-bit word.
    @inlinable
    public static func unitFloat(_ word: UInt32) -> Float { (Float(word >> 8) + 0.5) * 0x1p-24 }

    /// Fills `tensor` with uniforms in (`low`, `high`); advances by ⌈count/4⌉ blocks.
    public mutating func fillUniform(_ tensor: Tensor, low: Float = 0, high: Float = 1,
                                     context: ComputeContext = .serial) {
        let n = tensor.count, p = tensor.data, start = position, me = self
        let blocks = (n + 3) / 4
        context.parallelFor(blocks, minimumItemsPerThread: 4096) { range in
            for j in range {
                let b = me.block(start &+ UInt64(j))
                for w in 0..<4 where 4 * j + w < n {
                    p[4 * j + w] = low + (high - low) * RandomStream.unitFloat(b[w])
                }
            }
        }
        position &+= UInt64(blocks)
    }

    /// Fills `tensor` with normals N(`mean`, `std`²) by Box–Muller; advances by ⌈count/4⌉ blocks.
    public mutating func fillNormal(_ tensor: Tensor, mean: Float = 0, std: Float = 1,
                                    context: ComputeContext = .serial) {
        let n = tensor.count, p = tensor.data, start = position, me = self
        let blocks = (n + 3) / 4
        context.parallelFor(blocks, minimumItemsPerThread: 2048) { range in
            for j in range {
                let b = me.block(start &+ UInt64(j))
                for pair in 0..<2 {
                    let u1 = (Double(b[2 * pair]) + 0.5) * 0x1p-32
                    let u2 = (Double(b[2 * pair + 1]) + 0.5) * 0x1p-32
                    let r = (-2 * Foundation.log(u1)).squareRoot()
                    let theta = 2 * Double.pi * u2
                    let i = 4 * j + 2 * pair
                    if i < n { p[i] = mean + std * Float(r * Foundation.cos(theta)) }
                    if i + 1 < n { p[i + 1] = mean + std * Float(r * Foundation.sin(theta)) }
                }
            }
        }
        position &+= UInt64(blocks)
    }

    /// `count` normals N(0, 1) as an array (same numbers as ``fillNormal(_:mean:std:context:)``).
    public mutating func normals(count: Int) -> [Float] {
        let t = Tensor(zeros: [count])
        fillNormal(t)
        return t.toArray()
    }

    /// `count` uniforms in (0, 1) as an array (same numbers as ``fillUniform(_:low:high:context:)``).
    public mutating func uniforms(count: Int) -> [Float] {
        let t = Tensor(zeros: [count])
        fillUniform(t)
        return t.toArray()
    }
}

import CH5Zstd

/// HDF5's byte shuffle (byte b of element i goes to b*count + i) and its inverse, SIMD where available.
package enum ChunkShuffle {
    /// Shuffles `count` elements of `elementSize` bytes from `source` into `destination` (no overlap).
    package static func shuffle(_ source: UnsafeRawPointer?, _ destination: UnsafeMutableRawPointer?, count: Int, elementSize: Int) {
        guard count > 0, let source, let destination else { return }
        spf_shuffle(source, destination, count, elementSize)
    }

    /// Inverse of `shuffle`.
    package static func unshuffle(_ source: UnsafeRawPointer?, _ destination: UnsafeMutableRawPointer?, count: Int, elementSize: Int) {
        guard count > 0, let source, let destination else { return }
        spf_unshuffle(source, destination, count, elementSize)
    }
}

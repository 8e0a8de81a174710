import Foundation

/// How an `ObjectWriter` stores datasets (a value type; the default is shuffle + zstd 3 on 4 MiB chunks).
public struct ObjectWriterOptions: Sendable, Equatable {
    /// zstd level (negative levels allowed; clamped to what libzstd accepts).
    public var level: Int
    /// Compress with zstd at all (false stores raw chunks).
    public var compress: Bool
    /// Byte shuffle before zstd: nil = on for float32/float64, off for integers.
    public var shuffle: Bool?
    /// Threads that shuffle, compress and hash chunks (the HDF5 writes themselves are serial).
    public var threads: Int
    /// Target uncompressed chunk size in bytes; a chunk is a whole number of rows of axis 0.
    public var targetChunkBytes: Int

    /// Makes options.
    public init(level: Int = 3, compress: Bool = true, shuffle: Bool? = nil,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount, targetChunkBytes: Int = 4 << 20) {
        self.level = level
        self.compress = compress
        self.shuffle = shuffle
        self.threads = max(1, threads)
        self.targetChunkBytes = max(1, targetChunkBytes)
    }

    /// Whether `type` is shuffled under these options.
    func shuffles(_ type: ElementType) -> Bool { shuffle ?? type.shufflesByDefault }

    /// Rows per chunk for a dataset of `shape` and `type` (deterministic in shape, type and target).
    func chunkRows(shape: [Int], type: ElementType) -> Int {
        guard let rows = shape.first, rows > 0 else { return 0 }
        let rowBytes = shape.dropFirst().reduce(type.byteSize, *)
        guard rowBytes > 0 else { return 0 }
        return min(rows, max(1, targetChunkBytes / rowBytes))
    }
}

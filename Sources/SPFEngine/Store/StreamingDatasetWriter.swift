import CH5Zstd
import CHDF5
import Foundation

/// Writes one dataset chunk by chunk: rows of axis 0 are appended in order, and memory stays bounded
/// by a few chunks per thread whatever the dataset size. Shape contract: `shape` = [rows, d1, ...];
/// every `append` passes a whole number of rows (row = d1*d2*... elements, row-major).
public final class StreamingDatasetWriter<Element: StorableScalar>: @unchecked Sendable {
    /// Dataset name.
    public let name: String
    /// Full dataset shape.
    public let shape: [Int]
    /// Rows of axis 0 per stored chunk.
    public let chunkRows: Int

    private let owner: ObjectWriter
    private let dataset: hid_t
    private let rowElements: Int
    private let totalRows: Int
    private let chunkElements: Int
    private let batchChunks: Int
    private let workers: Int
    private let shuffle: Bool
    private let compress: Bool
    private let level: Int32
    private let bound: Int
    /// Rows of a batch that `append` could not encode from the caller's memory (allocated when first needed).
    private var staging: UnsafeMutableBufferPointer<Element>?
    private var stagedElements = 0
    private let scratch: UnsafeMutableRawPointer
    private let compressed: UnsafeMutableRawPointer
    private var chunkDigests: [[UInt8]] = []
    private var nextChunk = 0
    private var rowsWritten = 0
    private var closed = false
    private let lock = NSLock()

    init(owner: ObjectWriter, dataset: hid_t, name: String, shape: [Int], chunkRows: Int, options: ObjectWriterOptions) {
        self.owner = owner
        self.dataset = dataset
        self.name = name
        self.shape = shape
        self.chunkRows = chunkRows
        rowElements = shape.dropFirst().reduce(1, *)
        totalRows = shape.first ?? 1
        chunkElements = chunkRows * rowElements
        workers = max(1, options.threads)
        // A batch never holds more chunks than the dataset has (a dataset written in one call needs no more).
        let datasetChunks = max(1, (totalRows + chunkRows - 1) / max(1, chunkRows))
        batchChunks = min(datasetChunks, ParallelChunks.batchSize(workers: workers, chunkBytes: chunkRows * shape.dropFirst().reduce(MemoryLayout<Element>.stride, *)))
        shuffle = options.shuffles(Element.elementType) && Element.elementType.byteSize > 1
        compress = options.compress
        level = Int32(clamping: options.level)
        let chunkBytes = chunkElements * MemoryLayout<Element>.stride
        bound = spf_zstd_bound(chunkBytes)
        scratch = .allocate(byteCount: max(1, batchChunks * chunkBytes), alignment: 64)
        compressed = .allocate(byteCount: max(1, batchChunks * bound), alignment: 64)
    }

    deinit {
        staging?.deallocate()
        scratch.deallocate()
        compressed.deallocate()
        if !closed { H5Dclose(dataset) }
    }

    /// Rows appended so far.
    public var rowsAppended: Int { lock.withLock { rowsWritten + stagedElements / max(1, rowElements) } }

    /// Appends whole rows (values.count must be a multiple of the row size).
    public func append(_ values: [Element]) throws {
        try values.withUnsafeBufferPointer { try append($0) }
    }

    /// Appends whole rows from a buffer (values.count must be a multiple of the row size).
    public func append(_ values: UnsafeBufferPointer<Element>) throws {
        try lock.withLock {
            guard !closed else { throw StoreError(.invalidArgument, "dataset \(name) is already finished", path: owner.url.path) }
            guard rowElements > 0, values.count % rowElements == 0 else {
                throw StoreError(.invalidArgument, "dataset \(name): \(values.count) values is not a whole number of rows of \(rowElements)", path: owner.url.path)
            }
            let rows = values.count / rowElements
            let staged = stagedElements / rowElements
            guard rowsWritten + staged + rows <= totalRows else {
                throw StoreError(.invalidArgument, "dataset \(name): appending \(rows) rows exceeds shape \(shape)", path: owner.url.path)
            }
            guard var source = values.baseAddress else { return }
            var remaining = values.count
            let batchElements = batchChunks * chunkElements
            // Whole batches straight from the caller's memory when nothing is staged, and the dataset's last rows
            // too when these values end it (a dataset written in one call is never copied into the staging buffer).
            var rowsLeft = totalRows - rowsWritten
            while stagedElements == 0 && remaining > 0 && (remaining >= batchElements || remaining == rowsLeft * rowElements) {
                let take = min(remaining, batchElements), takeRows = take / rowElements
                let chunks = (takeRows + chunkRows - 1) / chunkRows
                try encodeAndWrite(UnsafeRawPointer(source), chunks: chunks, lastRows: takeRows - (chunks - 1) * chunkRows)
                source += take
                remaining -= take
                rowsLeft -= takeRows
            }
            if remaining > 0, staging == nil { staging = .allocate(capacity: batchElements) }
            while remaining > 0, let staging {
                let take = min(remaining, batchElements - stagedElements)
                (staging.baseAddress! + stagedElements).update(from: source, count: take)
                stagedElements += take
                source += take
                remaining -= take
                if stagedElements == batchElements {
                    try encodeAndWrite(UnsafeRawPointer(staging.baseAddress!), chunks: batchChunks, lastRows: chunkRows)
                    stagedElements = 0
                }
            }
        }
    }

    /// Writes the last partial chunk, checks all rows were given and closes the dataset.
    public func finish() throws {
        try lock.withLock {
            guard !closed else { return }
            if stagedElements > 0, let staging {
                let stagedRows = stagedElements / rowElements
                let chunks = (stagedRows + chunkRows - 1) / chunkRows
                let lastRows = stagedRows - (chunks - 1) * chunkRows
                try encodeAndWrite(UnsafeRawPointer(staging.baseAddress!), chunks: chunks, lastRows: lastRows)
                stagedElements = 0
            }
            guard rowsWritten == totalRows else {
                throw StoreError(.invalidArgument, "dataset \(name): \(rowsWritten) of \(totalRows) rows written at finish", path: owner.url.path)
            }
            closed = true
            let status = H5Dclose(dataset)
            try HDF5Library.check(status, "cannot close dataset \(name)", path: owner.url.path)
            let digest = DatasetDigest.combine(type: Element.elementType, shape: shape, chunkRows: chunkRows, chunkDigests: chunkDigests)
            owner.datasetFinished(name, digest)
        }
    }

    /// Shuffles, compresses and hashes `chunks` chunks in parallel, then writes them in order with
    /// H5Dwrite_chunk. The last chunk holds `lastRows` valid rows; it is zero-padded to full size.
    private func encodeAndWrite(_ base: UnsafeRawPointer, chunks: Int, lastRows: Int) throws {
        let elementSize = MemoryLayout<Element>.stride
        let chunkBytes = chunkElements * elementSize
        let rowBytes = rowElements * elementSize
        let scratch = self.scratch, compressed = self.compressed, bound = self.bound
        let shuffle = self.shuffle, compress = self.compress, level = self.level
        let chunkElements = self.chunkElements, chunkRows = self.chunkRows
        let workerCount = min(workers, chunks)
        let results = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunks)
        let hashes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunks * 32)
        defer { results.deallocate(); hashes.deallocate() }
        ParallelChunks.forEach(chunks, workers: workerCount) { index in
            let validBytes = (index == chunks - 1 ? lastRows : chunkRows) * rowBytes
            var source = base + index * chunkBytes
            let slot = scratch + index * chunkBytes
            let digest = SHA256.digest(source, count: validBytes)
            for b in 0..<32 { hashes[index * 32 + b] = digest[b] }
            if validBytes < chunkBytes {
                // Edge chunk: HDF5 stores chunks at full size, so pad with zeros.
                slot.copyMemory(from: source, byteCount: validBytes)
                (slot + validBytes).initializeMemory(as: UInt8.self, repeating: 0, count: chunkBytes - validBytes)
                source = UnsafeRawPointer(slot)
            }
            if shuffle {
                if validBytes < chunkBytes {
                    let padded = compressed + index * bound
                    ChunkShuffle.shuffle(slot, padded, count: chunkElements, elementSize: elementSize)
                    slot.copyMemory(from: padded, byteCount: chunkBytes)
                } else {
                    ChunkShuffle.shuffle(source, slot, count: chunkElements, elementSize: elementSize)
                }
                source = UnsafeRawPointer(slot)
            }
            if compress {
                results[index] = spf_zstd_compress_chunk(source, chunkBytes, compressed + index * bound, bound, level)
            } else {
                if source != UnsafeRawPointer(slot) { slot.copyMemory(from: source, byteCount: chunkBytes) }
                results[index] = chunkBytes
            }
        }
        var offset = [hsize_t](repeating: 0, count: shape.count)
        for index in 0..<chunks {
            let size = results[index]
            guard size > 0 else {
                throw StoreError(.codec, "zstd compression of chunk \(nextChunk) of dataset \(name) failed", path: owner.url.path)
            }
            offset[0] = hsize_t((nextChunk) * chunkRows)
            let buffer = compress ? UnsafeRawPointer(compressed + index * bound) : UnsafeRawPointer(scratch + index * chunkBytes)
            let status = H5Dwrite_chunk(dataset, hdf5Default, 0, offset, size, buffer)
            try HDF5Library.check(status, "H5Dwrite_chunk failed for chunk \(nextChunk) of dataset \(name)", path: owner.url.path)
            chunkDigests.append(Array(hashes[(index * 32)..<(index * 32 + 32)]))
            nextChunk += 1
        }
        rowsWritten += (chunks - 1) * chunkRows + lastRows
    }
}

import CH5Zstd
import CHDF5
import Foundation

/// The read side of one stored HDF5 object: dataset names, shapes, typed full and axis-0 slab reads,
/// string attributes, and the auxiliary files directory. Reads of the store's own chunk layout are
/// decoded (zstd + unshuffle) on several threads; any other HDF5 layout is read through HDF5.
///
/// The file is open only while a read runs: opening reads the attributes and dataset names, and every read
/// opens the file again and closes it after. An object held between reads holds no file descriptor and no
/// HDF5 metadata cache, so a node's inputs cost the same whatever their number (`spf.merge` takes one state per
/// member block: 1,000 blocks held open used to keep 1,000 descriptors and about 0.8 MiB of HDF5 caches each).
public final class StoredObject: @unchecked Sendable {
    /// The object's key in the store (the file name stem for files opened directly).
    public let key: String
    /// The HDF5 file.
    public let url: URL
    /// Auxiliary files committed with the object, when there are any.
    public let filesDirectory: URL?
    /// String attributes of the root group (provenance and kind-defined metadata).
    public let attributes: [String: String]
    /// Dataset paths, sorted (top-level names; nested ones as "group/name").
    public let datasetNames: [String]
    /// Threads used to decode chunks.
    public let threads: Int

    /// Opens an HDF5 file read-only (a store object or any HDF5 file, e.g. one written by h5py).
    public init(url: URL, key: String? = nil, filesDirectory: URL? = nil,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        try HDF5Library.ensureReady()
        let file = try Self.open(url)
        defer { H5Fclose(file) }
        self.url = url
        self.key = key ?? url.deletingPathExtension().lastPathComponent
        self.threads = max(1, threads)
        let defaultFiles = URL(fileURLWithPath: url.path + ".files")
        let files = filesDirectory ?? defaultFiles
        self.filesDirectory = FileTree.isDirectory(files) ? files : nil
        attributes = HDF5StringAttribute.readAll(on: file)
        datasetNames = StoredObject.listDatasets(file: file)
    }

    /// Opens the file read-only, for one read.
    private static func open(_ url: URL) throws -> hid_t {
        let fapl = HDF5Library.fileAccessWithoutLocking()
        defer { H5Pclose(fapl) }
        let file = H5Fopen(url.path, spf_h5f_acc_rdonly(), fapl)
        guard file >= 0 else { throw StoreError(.corrupt, "cannot open HDF5 file", path: url.path) }
        return file
    }

    /// One attribute, or nil.
    public func attribute(_ name: String) -> String? { attributes[name] }

    /// The shape of a dataset (empty for a scalar).
    public func shape(of name: String) throws -> [Int] {
        try withDataset(name) { try DatasetLayout(dataset: $0).shape }
    }

    /// Rows of axis 0 per stored chunk of a dataset (0 when it is not chunked along axis 0 only): the unit an
    /// axis-0 read decodes.
    public func chunkRows(of name: String) throws -> Int {
        try withDataset(name) { try DatasetLayout(dataset: $0).chunkRows }
    }

    /// The element type of a dataset.
    public func elementType(of name: String) throws -> ElementType {
        try withDataset(name) { dataset in
            guard let type = try DatasetLayout(dataset: dataset).type else {
                throw StoreError(.invalidArgument, "dataset \(name) has a type the store does not handle", path: url.path)
            }
            return type
        }
    }

    /// Reads a whole dataset as `T` (HDF5 converts when the stored type differs).
    public func read<T: StorableScalar>(_ name: String, as type: T.Type) throws -> (shape: [Int], values: [T]) {
        try withDataset(name) { dataset in
            let layout = try DatasetLayout(dataset: dataset)
            return (layout.shape, try readRows(dataset, layout: layout, rows: 0..<layout.rows, name: name, as: T.self))
        }
    }

    /// Reads rows `rows` of axis 0 of a dataset as `T`; the result's shape is [rows.count, d1, ...].
    public func readRows<T: StorableScalar>(_ name: String, rows: Range<Int>, as type: T.Type) throws -> (shape: [Int], values: [T]) {
        try withDataset(name) { dataset in
            let layout = try DatasetLayout(dataset: dataset)
            guard !layout.shape.isEmpty, rows.lowerBound >= 0, rows.upperBound <= layout.rows else {
                throw StoreError(.invalidArgument, "dataset \(name): rows \(rows) outside shape \(layout.shape)", path: url.path)
            }
            var shape = layout.shape
            shape[0] = rows.count
            return (shape, try readRows(dataset, layout: layout, rows: rows, name: name, as: T.self))
        }
    }

    /// Reads a float32 dataset.
    public func readFloats(_ name: String) throws -> (shape: [Int], values: [Float]) { try read(name, as: Float.self) }
    /// Reads a float64 dataset.
    public func readDoubles(_ name: String) throws -> (shape: [Int], values: [Double]) { try read(name, as: Double.self) }
    /// Reads an int32 dataset.
    public func readInt32s(_ name: String) throws -> (shape: [Int], values: [Int32]) { try read(name, as: Int32.self) }
    /// Reads an int64 dataset.
    public func readInt64s(_ name: String) throws -> (shape: [Int], values: [Int64]) { try read(name, as: Int64.self) }
    /// Reads rows of axis 0 of a float32 dataset.
    public func readFloats(_ name: String, rows: Range<Int>) throws -> (shape: [Int], values: [Float]) {
        try readRows(name, rows: rows, as: Float.self)
    }
    /// Reads rows of axis 0 of a float64 dataset.
    public func readDoubles(_ name: String, rows: Range<Int>) throws -> (shape: [Int], values: [Double]) {
        try readRows(name, rows: rows, as: Double.self)
    }

    /// Recomputes the digest of every dataset by decoding all its data (what `verify` checks).
    package func computeDigests() throws -> [String: DatasetDigest] {
        var result: [String: DatasetDigest] = [:]
        for name in datasetNames {
            result[name] = try withDataset(name) { dataset in
                let layout = try DatasetLayout(dataset: dataset)
                guard let type = layout.type, layout.isNative else {
                    throw StoreError(.corrupt, "dataset \(name) has an unexpected type", path: url.path)
                }
                if layout.directChunks {
                    let chunks = (layout.rows + layout.chunkRows - 1) / layout.chunkRows
                    let hashes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunks * 32)
                    defer { hashes.deallocate() }
                    let rowBytes = layout.rowElements * type.byteSize
                    try decodeChunks(dataset, layout: layout, chunks: 0..<chunks, name: name) { index, decoded in
                        let valid = min(layout.chunkRows, layout.rows - index * layout.chunkRows) * rowBytes
                        let digest = SHA256.digest(decoded, count: valid)
                        for b in 0..<32 { hashes[index * 32 + b] = digest[b] }
                    }
                    let digests = (0..<chunks).map { Array(hashes[($0 * 32)..<($0 * 32 + 32)]) }
                    return DatasetDigest.combine(type: type, shape: layout.shape, chunkRows: layout.chunkRows, chunkDigests: digests)
                }
                let digest: [UInt8]
                switch type {
                case .float32: digest = try rawDigest(dataset, layout: layout, name: name, as: Float.self)
                case .float64: digest = try rawDigest(dataset, layout: layout, name: name, as: Double.self)
                case .int32: digest = try rawDigest(dataset, layout: layout, name: name, as: Int32.self)
                case .int64: digest = try rawDigest(dataset, layout: layout, name: name, as: Int64.self)
                }
                return DatasetDigest.combine(type: type, shape: layout.shape, chunkRows: 0, chunkDigests: [digest])
            }
        }
        return result
    }

    // MARK: - Internals

    private func rawDigest<T: StorableScalar>(_ dataset: hid_t, layout: DatasetLayout, name: String, as type: T.Type) throws -> [UInt8] {
        let values = try readRows(dataset, layout: layout, rows: 0..<layout.rows, name: name, as: T.self)
        return values.withUnsafeBytes { SHA256.digest($0.baseAddress, count: $0.count) }
    }

    private func withDataset<R>(_ name: String, _ body: (hid_t) throws -> R) throws -> R {
        guard datasetNames.contains(name) else {
            throw StoreError(.notFound, "no dataset '\(name)' (have: \(datasetNames.joined(separator: ", ")))", path: url.path)
        }
        let file = try Self.open(url)
        defer { H5Fclose(file) }
        let dataset = H5Dopen2(file, name, hdf5Default)
        guard dataset >= 0 else { throw StoreError(.corrupt, "cannot open dataset \(name)", path: url.path) }
        defer { H5Dclose(dataset) }
        return try body(dataset)
    }

    private func readRows<T: StorableScalar>(_ dataset: hid_t, layout: DatasetLayout, rows: Range<Int>,
                                             name: String, as type: T.Type) throws -> [T] {
        let rowElements = layout.rowElements
        let count = layout.shape.isEmpty ? 1 : rows.count * rowElements
        if count == 0 { return [] }
        if layout.directChunks, layout.type == T.elementType {
            let chunkRows = layout.chunkRows
            let first = rows.lowerBound / chunkRows, last = (rows.upperBound - 1) / chunkRows
            let rowBytes = rowElements * MemoryLayout<T>.stride
            var failure: Error? = nil
            let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                let base = UnsafeMutableRawPointer(buffer.baseAddress!)
                MemoryAdvice.hugePages(base, byteCount: count * MemoryLayout<T>.stride)
                do {
                    try decodeChunks(dataset, layout: layout, chunks: first..<(last + 1), name: name, direct: { index in
                        // A whole, non-edge chunk inside the request decodes straight into the result.
                        let start = index * chunkRows, end = start + chunkRows
                        guard start >= rows.lowerBound, end <= rows.upperBound else { return nil }
                        return base + (start - rows.lowerBound) * rowBytes
                    }) { index, decoded in
                        let start = max(rows.lowerBound, index * chunkRows)
                        let end = min(rows.upperBound, (index + 1) * chunkRows)
                        (base + (start - rows.lowerBound) * rowBytes)
                            .copyMemory(from: decoded + (start - index * chunkRows) * rowBytes, byteCount: (end - start) * rowBytes)
                    }
                    initialized = count
                } catch {
                    // Leave the result empty (nothing initialised) and report the failure.
                    failure = error
                    initialized = 0
                }
            }
            if let failure { throw failure }
            return values
        }
        // Any other layout: let HDF5 read (and convert) a hyperslab.
        var values = [T](repeating: T.storageZero, count: count)
        let fileSpace = H5Dget_space(dataset)
        defer { H5Sclose(fileSpace) }
        var memSpace: hid_t
        if layout.shape.isEmpty {
            memSpace = H5Screate(H5S_SCALAR)
        } else {
            var start = [hsize_t](repeating: 0, count: layout.shape.count)
            var extent = layout.shape.map { hsize_t($0) }
            start[0] = hsize_t(rows.lowerBound)
            extent[0] = hsize_t(rows.count)
            H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &extent, nil)
            memSpace = H5Screate_simple(Int32(extent.count), &extent, nil)
        }
        defer { H5Sclose(memSpace) }
        let status = values.withUnsafeMutableBytes {
            H5Dread(dataset, T.elementType.nativeType, memSpace, fileSpace, hdf5Default, $0.baseAddress)
        }
        try HDF5Library.check(status, "cannot read dataset \(name) (a filter may be missing or the data corrupt)", path: url.path)
        return values
    }

    /// Reads raw chunks serially (HDF5 holds one global lock), decodes them in parallel, and calls
    /// `body(chunkIndex, decodedBytes)` on the worker threads (bodies must write disjoint memory).
    private func decodeChunks(_ dataset: hid_t, layout: DatasetLayout, chunks: Range<Int>, name: String,
                              direct: (Int) -> UnsafeMutableRawPointer? = { _ in nil },
                              _ body: (Int, UnsafeRawPointer) -> Void) throws {
        guard let type = layout.type else { return }
        let elementSize = type.byteSize
        let chunkElements = layout.chunkRows * layout.rowElements
        let chunkBytes = chunkElements * elementSize
        let batch = ParallelChunks.batchSize(workers: threads, chunkBytes: chunkBytes)
        let rawBuffers = (0..<batch).map { _ in UnsafeMutableRawPointer.allocate(byteCount: max(64, spf_zstd_bound(chunkBytes)), alignment: 64) }
        let stage = UnsafeMutableRawPointer.allocate(byteCount: max(64, batch * chunkBytes), alignment: 64)
        let out = UnsafeMutableRawPointer.allocate(byteCount: max(64, batch * chunkBytes), alignment: 64)
        defer {
            rawBuffers.forEach { $0.deallocate() }
            stage.deallocate()
            out.deallocate()
        }
        var capacities = [Int](repeating: max(64, spf_zstd_bound(chunkBytes)), count: batch)
        var buffers = rawBuffers
        var owned: [UnsafeMutableRawPointer] = []
        defer { owned.forEach { $0.deallocate() } }
        var offset = [hsize_t](repeating: 0, count: layout.shape.count)
        var start = chunks.lowerBound
        while start < chunks.upperBound {
            let n = min(batch, chunks.upperBound - start)
            var sizes = [Int](repeating: 0, count: n)
            var masks = [UInt32](repeating: 0, count: n)
            for i in 0..<n {
                offset[0] = hsize_t((start + i) * layout.chunkRows)
                var size: hsize_t = 0
                try HDF5Library.check(H5Dget_chunk_storage_size(dataset, &offset, &size),
                                      "cannot find chunk \(start + i) of dataset \(name)", path: url.path)
                if Int(size) > capacities[i] {
                    let bigger = UnsafeMutableRawPointer.allocate(byteCount: Int(size), alignment: 64)
                    owned.append(bigger)
                    buffers[i] = bigger
                    capacities[i] = Int(size)
                }
                var mask: UInt32 = 0
                try HDF5Library.check(H5Dread_chunk(dataset, hdf5Default, &offset, &mask, buffers[i]),
                                      "cannot read chunk \(start + i) of dataset \(name)", path: url.path)
                sizes[i] = Int(size)
                masks[i] = mask
            }
            var failed = [Bool](repeating: false, count: n)
            let currentBuffers = buffers
            let shuffleIndex = layout.shuffleIndex, zstdIndex = layout.zstdIndex
            sizes.withUnsafeBufferPointer { sizes in
                masks.withUnsafeBufferPointer { masks in
                    failed.withUnsafeMutableBufferPointer { failed in
                        ParallelChunks.forEach(n, workers: threads) { i in
                            var source = UnsafeRawPointer(currentBuffers[i])
                            var length = sizes[i]
                            let target = direct(start + i)
                            let decoded = target ?? (out + i * chunkBytes)
                            let unshuffle = shuffleIndex.map { masks[i] & (1 << UInt32($0)) == 0 } ?? false
                            if let z = zstdIndex, masks[i] & (1 << UInt32(z)) == 0 {
                                let into = unshuffle ? stage + i * chunkBytes : decoded
                                let got = spf_zstd_decompress_chunk(source, length, into, chunkBytes)
                                if got != chunkBytes { failed[i] = true; return }
                                source = UnsafeRawPointer(into)
                                length = got
                            }
                            guard length == chunkBytes else { failed[i] = true; return }
                            if unshuffle {
                                ChunkShuffle.unshuffle(source, decoded, count: chunkElements, elementSize: elementSize)
                                source = UnsafeRawPointer(decoded)
                            }
                            if let target {
                                if source != UnsafeRawPointer(target) { target.copyMemory(from: source, byteCount: chunkBytes) }
                            } else {
                                body(start + i, source)
                            }
                        }
                    }
                }
            }
            if let bad = failed.firstIndex(of: true) {
                throw StoreError(.corrupt, "chunk \(start + bad) of dataset \(name) does not decode", path: url.path)
            }
            start += n
        }
    }

    private static func listDatasets(file: hid_t) -> [String] {
        var names: [String] = []
        func walk(_ group: String) {
            var info = H5G_info_t()
            guard H5Gget_info_by_name(file, group, &info, hdf5Default) >= 0 else { return }
            for index in 0..<info.nlinks {
                let length = H5Lget_name_by_idx(file, group, H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, hdf5Default)
                guard length > 0 else { continue }
                var buffer = [CChar](repeating: 0, count: length + 1)
                H5Lget_name_by_idx(file, group, H5_INDEX_NAME, H5_ITER_INC, index, &buffer, length + 1, hdf5Default)
                let name = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
                let path = group == "/" ? "/" + name : group + "/" + name
                var objectInfo = H5O_info_t()
                guard H5Oget_info_by_name2(file, path, &objectInfo, UInt32(H5O_INFO_BASIC), hdf5Default) >= 0 else { continue }
                if objectInfo.type == H5O_TYPE_DATASET {
                    names.append(path)
                } else if objectInfo.type == H5O_TYPE_GROUP {
                    walk(path)
                }
            }
        }
        walk("/")
        return names.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }.sorted()
    }
}

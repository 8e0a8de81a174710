import CH5Zstd
import CHDF5
import Foundation

/// Writes one HDF5 object: named n-d datasets (float32/float64/int32/int64, chunked along axis 0,
/// shuffle + zstd), string attributes, and an auxiliary files directory committed with it. Chunks
/// are shuffled, compressed and hashed on several threads and written with H5Dwrite_chunk; the
/// SHA-256 of every dataset's decoded data is computed while writing.
public final class ObjectWriter: @unchecked Sendable {
    /// The HDF5 file being written (a temporary name when the writer belongs to a store).
    public let url: URL
    /// Directory where a node may write auxiliary files; they commit atomically with the object.
    public let filesDirectory: URL
    /// Storage options.
    public let options: ObjectWriterOptions

    private let file: hid_t
    private let lock = NSLock()
    private var finishedDatasets: [String: DatasetDigest] = [:]
    private var openDatasets: Set<String> = []
    private var attributeValues: [String: String] = [:]
    private var closedDigests: ObjectDigests?

    /// Creates (truncating) an HDF5 file at `url` and the files directory `url.path + ".files"`.
    public convenience init(creating url: URL, options: ObjectWriterOptions = ObjectWriterOptions()) throws {
        try self.init(url: url, filesDirectory: URL(fileURLWithPath: url.path + ".files"), options: options)
    }

    /// Creates (truncating) an HDF5 file at `url` with the given files directory.
    package init(url: URL, filesDirectory: URL, options: ObjectWriterOptions) throws {
        try HDF5Library.ensureReady()
        self.url = url
        self.filesDirectory = filesDirectory
        self.options = options
        try FileTree.makeDirectory(url.deletingLastPathComponent())
        FileTree.remove(filesDirectory)
        try FileTree.makeDirectory(filesDirectory)
        let fapl = HDF5Library.fileAccessWithoutLocking()
        defer { H5Pclose(fapl) }
        // Strong close: closing the file closes what is still open in it (a streaming dataset whose write
        // failed), so an abandoned object is closed in one step, never left half-closed behind the file.
        if fapl >= 0 { H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) }
        file = try HDF5Library.check(H5Fcreate(url.path, spf_h5f_acc_trunc(), hdf5Default, fapl),
                                     "cannot create HDF5 file", path: url.path)
    }

    deinit {
        if !fileClosed { H5Fclose(file) }
    }

    /// Set once H5Fclose was called on `file`, whatever it returned: the id is never closed twice (a second
    /// H5Fclose after one that failed on a full disk crashed inside libhdf5 1.10.8).
    private var fileClosed = false

    /// Names of the datasets finished so far.
    public var datasetNames: [String] { lock.withLock { finishedDatasets.keys.sorted() } }

    /// Attributes set so far.
    public var attributes: [String: String] { lock.withLock { attributeValues } }

    /// Writes a whole dataset (values row-major, count = product of shape).
    public func write<T: StorableScalar>(_ name: String, shape: [Int], values: [T]) throws {
        try values.withUnsafeBufferPointer { try write(name, shape: shape, values: $0) }
    }

    /// Writes a whole dataset from a buffer (values row-major, count = product of shape).
    public func write<T: StorableScalar>(_ name: String, shape: [Int], values: UnsafeBufferPointer<T>) throws {
        let count = shape.reduce(1, *)
        guard values.count == count else {
            throw StoreError(.invalidArgument, "dataset \(name): \(values.count) values for shape \(shape) (needs \(count))", path: url.path)
        }
        if options.chunkRows(shape: shape, type: T.elementType) == 0 {
            try writeContiguous(name, shape: shape, values: values)
            return
        }
        let writer = try beginDataset(name, of: T.self, shape: shape)
        try writer.append(values)
        try writer.finish()
    }

    /// Starts a streaming dataset of `shape` = [rows, d1, ...]; append rows in order, then `finish()`.
    public func beginDataset<T: StorableScalar>(_ name: String, of type: T.Type, shape: [Int],
                                                chunkRows: Int? = nil) throws -> StreamingDatasetWriter<T> {
        try validate(name: name, shape: shape)
        guard shape.count >= 1, shape.allSatisfy({ $0 > 0 }) else {
            throw StoreError(.invalidArgument, "dataset \(name): a streaming dataset needs a shape of positive sizes, got \(shape)", path: url.path)
        }
        let rows = min(shape[0], max(1, chunkRows ?? options.chunkRows(shape: shape, type: T.elementType)))
        let chunkBytes = shape.dropFirst().reduce(rows * T.elementType.byteSize, *)
        guard chunkBytes < Int(UInt32.max) else {
            throw StoreError(.invalidArgument, "dataset \(name): a row of shape \(shape) exceeds HDF5's 4 GiB chunk limit", path: url.path)
        }
        try reserve(name)
        var dims = shape.map { hsize_t($0) }
        var chunkDims = dims
        chunkDims[0] = hsize_t(rows)
        let space = H5Screate_simple(Int32(shape.count), &dims, nil)
        defer { H5Sclose(space) }
        let dcpl = H5Pcreate(spf_h5p_dataset_create())
        defer { H5Pclose(dcpl) }
        H5Pset_chunk(dcpl, Int32(shape.count), &chunkDims)
        H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER)
        if options.compress {
            let shuffle = options.shuffles(T.elementType) && T.elementType.byteSize > 1
            try HDF5Library.check(spf_h5_set_shuffle_zstd(dcpl, shuffle ? 1 : 0, Int32(clamping: options.level)),
                                  "cannot set the shuffle+zstd filters", path: url.path)
        } else if options.shuffles(T.elementType) && T.elementType.byteSize > 1 {
            H5Pset_shuffle(dcpl)
        }
        let dataset = H5Dcreate2(file, name, T.elementType.nativeType, space, hdf5Default, dcpl, hdf5Default)
        if dataset < 0 {
            let failure = HDF5Library.failure("cannot create dataset \(name)", path: url.path)
            lock.withLock { _ = openDatasets.remove(name) }
            throw failure
        }
        return StreamingDatasetWriter(owner: self, dataset: dataset, name: name, shape: shape, chunkRows: rows, options: options)
    }

    /// Sets a string attribute on the object (use JSON strings for structured metadata).
    public func setAttribute(_ name: String, _ value: String) throws {
        try lock.withLock {
            guard closedDigests == nil else { throw StoreError(.invalidArgument, "object is closed", path: url.path) }
            guard !name.isEmpty else { throw StoreError(.invalidArgument, "empty attribute name", path: url.path) }
            try HDF5StringAttribute.write(name, value, on: file, path: url.path)
            attributeValues[name] = value
        }
    }

    /// Sets several string attributes.
    public func setAttributes(_ values: [String: String]) throws {
        for (name, value) in values.sorted(by: { $0.key < $1.key }) { try setAttribute(name, value) }
    }

    /// Finishes the object: checks no dataset is half written, flushes and closes the file, and
    /// returns the digests of all datasets and of the files directory. Idempotent.
    @discardableResult
    public func close() throws -> ObjectDigests {
        try lock.withLock {
            if let closedDigests { return closedDigests }
            guard openDatasets.isEmpty else {
                throw StoreError(.invalidArgument, "datasets not finished: \(openDatasets.sorted().joined(separator: ", "))", path: url.path)
            }
            let datasets = finishedDatasets
            let json = String(decoding: try JSONEncoder.sortedKeys.encode(datasets), as: UTF8.self)
            try HDF5StringAttribute.write("spfflow.digests", json, on: file, path: url.path)
            let flushed = H5Fflush(file, H5F_SCOPE_GLOBAL)
            let closed = H5Fclose(file)
            fileClosed = true
            try HDF5Library.check(flushed, "cannot flush", path: url.path)
            try HDF5Library.check(closed, "cannot close", path: url.path)
            let files = try FilesDigest.compute(directory: filesDirectory)
            if files == nil { FileTree.remove(filesDirectory) }
            let digests = ObjectDigests(datasets: datasets, files: files)
            closedDigests = digests
            return digests
        }
    }

    /// Closes the file if open and deletes it and its files directory.
    package func abandon() {
        lock.withLock {
            if closedDigests == nil {
                if !fileClosed { H5Fclose(file) }
                fileClosed = true
                closedDigests = ObjectDigests(datasets: [:], files: nil)
            }
        }
        FileTree.remove(url)
        FileTree.remove(filesDirectory)
    }

    /// Called by a streaming writer when its dataset is complete.
    func datasetFinished(_ name: String, _ digest: DatasetDigest) {
        lock.withLock {
            openDatasets.remove(name)
            finishedDatasets[name] = digest
        }
    }

    private func validate(name: String, shape: [Int]) throws {
        guard !name.isEmpty, !name.hasPrefix("spfflow."), !name.contains("/") else {
            throw StoreError(.invalidArgument, "invalid dataset name '\(name)' (non-empty, no '/', no 'spfflow.' prefix)", path: url.path)
        }
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw StoreError(.invalidArgument, "dataset \(name): negative size in shape \(shape)", path: url.path)
        }
    }

    private func reserve(_ name: String) throws {
        try lock.withLock {
            guard closedDigests == nil else { throw StoreError(.invalidArgument, "object is closed", path: url.path) }
            guard finishedDatasets[name] == nil, !openDatasets.contains(name) else {
                throw StoreError(.invalidArgument, "dataset \(name) written twice", path: url.path)
            }
            openDatasets.insert(name)
        }
    }

    /// Scalars and datasets with a zero-size axis are stored contiguously (HDF5 cannot chunk them).
    private func writeContiguous<T: StorableScalar>(_ name: String, shape: [Int], values: UnsafeBufferPointer<T>) throws {
        try validate(name: name, shape: shape)
        try reserve(name)
        var dims = shape.map { hsize_t($0) }
        let space = shape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(shape.count), &dims, nil)
        defer { H5Sclose(space) }
        let dataset = H5Dcreate2(file, name, T.elementType.nativeType, space, hdf5Default, hdf5Default, hdf5Default)
        guard dataset >= 0 else {
            let failure = HDF5Library.failure("cannot create dataset \(name)", path: url.path)
            lock.withLock { _ = openDatasets.remove(name) }
            throw failure
        }
        defer { H5Dclose(dataset) }
        if values.count > 0 {
            try HDF5Library.check(H5Dwrite(dataset, T.elementType.nativeType, hdf5All, hdf5All, hdf5Default, values.baseAddress),
                                  "cannot write dataset \(name)", path: url.path)
        }
        let digest = SHA256.digest(values.baseAddress.map(UnsafeRawPointer.init), count: values.count * MemoryLayout<T>.stride)
        datasetFinished(name, DatasetDigest.combine(type: T.elementType, shape: shape, chunkRows: 0, chunkDigests: [digest]))
    }
}

extension JSONEncoder {
    /// An encoder with sorted keys and ISO 8601 dates (canonical output for records and attributes).
    package static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

import CH5Zstd
import CHDF5
import Foundation

/// Writes a float32 dataset through HDF5's own filter pipeline (H5Dwrite, filters run inside HDF5 on
/// one thread): the reference path for the zstd filter's encoder and for codec comparisons.
package enum FilterPipelineWriter {
    /// The compression applied by the pipeline (always after byte shuffle).
    package enum Codec: Sendable {
        /// Shuffle + zstd (filter 32015) at a level.
        case zstd(Int)
        /// Shuffle + deflate at a level (what CMIP files use).
        case deflate(Int)
    }

    /// Creates `url` with dataset `name` [shape] chunked by `chunkRows` rows of axis 0; returns the
    /// dataset's stored bytes (H5Dget_storage_size).
    @discardableResult
    package static func write(_ url: URL, name: String, shape: [Int], values: [Float], chunkRows: Int,
                              codec: Codec) throws -> Int {
        try HDF5Library.ensureReady()
        guard values.count == shape.reduce(1, *), !shape.isEmpty, chunkRows > 0 else {
            throw StoreError(.invalidArgument, "\(values.count) values for shape \(shape), chunk rows \(chunkRows)", path: url.path)
        }
        let fapl = HDF5Library.fileAccessWithoutLocking()
        defer { H5Pclose(fapl) }
        let file = try HDF5Library.check(H5Fcreate(url.path, spf_h5f_acc_trunc(), hdf5Default, fapl), "cannot create", path: url.path)
        defer { H5Fclose(file) }
        var dims = shape.map { hsize_t($0) }
        var chunk = dims
        chunk[0] = hsize_t(min(chunkRows, shape[0]))
        let space = H5Screate_simple(Int32(dims.count), &dims, nil)
        defer { H5Sclose(space) }
        let dcpl = H5Pcreate(spf_h5p_dataset_create())
        defer { H5Pclose(dcpl) }
        H5Pset_chunk(dcpl, Int32(chunk.count), &chunk)
        switch codec {
        case .deflate(let level):
            H5Pset_shuffle(dcpl)
            H5Pset_deflate(dcpl, UInt32(max(0, min(9, level))))
        case .zstd(let level):
            try HDF5Library.check(spf_h5_set_shuffle_zstd(dcpl, 1, Int32(clamping: level)), "cannot set filters", path: url.path)
        }
        let dataset = try HDF5Library.check(H5Dcreate2(file, name, spf_h5t_native_float(), space, hdf5Default, dcpl, hdf5Default),
                                            "cannot create dataset \(name)", path: url.path)
        defer { H5Dclose(dataset) }
        let status = values.withUnsafeBytes { H5Dwrite(dataset, spf_h5t_native_float(), hdf5All, hdf5All, hdf5Default, $0.baseAddress) }
        try HDF5Library.check(status, "H5Dwrite failed for \(name)", path: url.path)
        return Int(H5Dget_storage_size(dataset))
    }
}

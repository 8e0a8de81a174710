import CH5Zstd
import CHDF5
import Foundation

/// What the reader knows about one open dataset: shape, type, chunking, and whether its chunks can
/// be decoded by the store itself (our layout: chunks of whole rows, shuffle and/or zstd only).
struct DatasetLayout {
    /// Dataset shape (empty for a scalar).
    let shape: [Int]
    /// Element type, when it is one the store handles.
    let type: ElementType?
    /// Whether the file type equals the native type of `type` (no conversion needed).
    let isNative: Bool
    /// Rows per chunk when chunked along axis 0 only (0 otherwise).
    let chunkRows: Int
    /// Index of the shuffle filter in the pipeline, if present.
    let shuffleIndex: Int?
    /// Index of the zstd filter in the pipeline, if present.
    let zstdIndex: Int?
    /// Whether the store can read chunks directly (H5Dread_chunk + own decode).
    let directChunks: Bool

    /// Elements per row of axis 0.
    var rowElements: Int { shape.dropFirst().reduce(1, *) }
    /// Rows of axis 0 (1 for a scalar).
    var rows: Int { shape.first ?? 1 }

    init(dataset: hid_t) throws {
        let space = H5Dget_space(dataset)
        defer { H5Sclose(space) }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        var dims = [hsize_t](repeating: 0, count: max(rank, 1))
        if rank > 0 { H5Sget_simple_extent_dims(space, &dims, nil) }
        shape = rank > 0 ? dims.prefix(rank).map { Int($0) } : []
        let fileType = H5Dget_type(dataset)
        defer { H5Tclose(fileType) }
        type = ElementType.from(hdf5Type: fileType)
        isNative = type.map { H5Tequal(fileType, $0.nativeType) > 0 } ?? false
        let dcpl = H5Dget_create_plist(dataset)
        defer { H5Pclose(dcpl) }
        var rowsPerChunk = 0
        var shuffleAt: Int? = nil, zstdAt: Int? = nil, onlyKnownFilters = true
        if H5Pget_layout(dcpl) == H5D_CHUNKED, rank > 0 {
            var chunk = [hsize_t](repeating: 0, count: rank)
            H5Pget_chunk(dcpl, Int32(rank), &chunk)
            if chunk.dropFirst().elementsEqual(dims.prefix(rank).dropFirst()) { rowsPerChunk = Int(chunk[0]) }
            let filters = Int(H5Pget_nfilters(dcpl))
            for index in 0..<filters {
                var flags: UInt32 = 0
                var count = 0
                var values = [UInt32](repeating: 0, count: 8)
                var name = [CChar](repeating: 0, count: 64)
                var config: UInt32 = 0
                let id = H5Pget_filter2(dcpl, UInt32(index), &flags, &count, &values, 64, &name, &config)
                if id == H5Z_FILTER_SHUFFLE && shuffleAt == nil && zstdAt == nil { shuffleAt = index }
                else if id == SPF_H5Z_FILTER_ZSTD && zstdAt == nil { zstdAt = index }
                else { onlyKnownFilters = false }
            }
        }
        chunkRows = rowsPerChunk
        shuffleIndex = shuffleAt
        zstdIndex = zstdAt
        directChunks = rowsPerChunk > 0 && onlyKnownFilters && isNative
    }
}

import Foundation
import SPFEngine
import SPFModel

/// The fields of one run of a stored training shard (`fields_<i>` [months, C, H, W], chunked along months and
/// zstd-compressed), read as axis-0 hyperslabs when the trainer needs them. A block is one stored chunk or five
/// years, whichever is shorter: at coarse grids a 4 MiB chunk spans most of a run, and caching whole chunks would
/// hold (and read ahead) far more months than a decade window uses.
package struct ShardFieldReader: RunFieldReader {
    /// The shard.
    package let object: StoredObject
    /// The run's fields dataset.
    package let dataset: String
    /// Months per read: the dataset's rows per chunk, at most ``maxBlockMonths`` (a year when it is not chunked
    /// along months).
    package let blockMonths: Int

    /// A reader of `dataset` in `object`.
    package init(object: StoredObject, dataset: String) throws {
        self.object = object
        self.dataset = dataset
        let rows = try object.chunkRows(of: dataset)
        blockMonths = rows > 0 ? min(rows, Self.maxBlockMonths) : 12
    }

    /// The longest block: five years (a decade window then spans two or three blocks).
    package static let maxBlockMonths = 60

    package func readMonths(_ months: Range<Int>) throws -> [Float] {
        try object.readFloats(dataset, rows: months).values
    }
}

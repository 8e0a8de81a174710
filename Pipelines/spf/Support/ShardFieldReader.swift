import Foundation
import SPFEngine
import SPFModel

/// The fields of one run of a stored training shard (`fields_<i>` [frames, C, H, W], chunked along frames and
/// zstd-compressed), read as axis-0 hyperslabs when the trainer needs them. A block is one stored chunk or five
/// years, whichever is shorter: at coarse grids a 4 MiB chunk spans most of a run, and caching whole chunks would
/// hold (and read ahead) far more months than a decade window uses. Yearly data (one frame a year) are handed out
/// on the month grid, each year's field held over its twelve months, as ``ShardSetObject/read`` does in memory.
package struct ShardFieldReader: RunFieldReader {
    /// The shard.
    package let object: StoredObject
    /// The run's fields dataset.
    package let dataset: String
    /// Months per read: the dataset's rows per chunk, at most ``maxBlockMonths`` (a year when it is not chunked
    /// along months); whole years for yearly data.
    package let blockMonths: Int
    /// Stored frames per year: 12 (monthly data) or 1 (yearly data).
    package let framesPerYear: Int

    /// A reader of `dataset` in `object`, whose rows are `framesPerYear` frames a year (12 or 1).
    package init(object: StoredObject, dataset: String, framesPerYear: Int = 12) throws {
        guard framesPerYear == 12 || framesPerYear == 1 else {
            throw EngineError(.nodeFailed, "\(dataset): \(framesPerYear) frames a year; shards hold monthly (12) or yearly (1) data")
        }
        self.object = object
        self.dataset = dataset
        self.framesPerYear = framesPerYear
        let rows = try object.chunkRows(of: dataset)
        if framesPerYear == 1 {
            blockMonths = 12 * max(1, min(rows > 0 ? rows : 1, Self.maxBlockMonths / 12))
        } else {
            blockMonths = rows > 0 ? min(rows, Self.maxBlockMonths) : 12
        }
    }

    /// The longest block: five years (a decade window then spans two or three blocks).
    package static let maxBlockMonths = 60

    package func readMonths(_ months: Range<Int>) throws -> [Float] {
        if framesPerYear == 12 { return try object.readFloats(dataset, rows: months).values }
        // Yearly rows: read the years the months fall in, hold each over its months, keep the months asked for.
        let years = (months.lowerBound / 12)..<((months.upperBound + 11) / 12)
        let stored = try object.readFloats(dataset, rows: years).values
        let plane = years.isEmpty ? 0 : stored.count / years.count
        let expanded = MonthlyFrames.expand(stored, plane: plane, frames: years.count)
        let first = months.lowerBound - years.lowerBound * 12
        return Array(expanded[(first * plane)..<((first + months.count) * plane)])
    }
}

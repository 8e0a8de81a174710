/// Reads months of one run's output fields on demand (physical units), so a trainer holds only the windows it
/// trains on, not the data set: e.g. axis-0 hyperslabs of a chunked, compressed store dataset.
///
/// A reader must return the same values for the same months every time (the trainer's batches, and so its
/// weights, then do not depend on what its cache held), and be callable from a read-ahead thread.
public protocol RunFieldReader: Sendable {
    /// Months per read unit (e.g. the rows of one stored chunk): the trainer reads and caches whole blocks of
    /// this many months (the run's last block may be shorter).
    var blockMonths: Int { get }
    /// The fields of months `months` (counted from the run's first month), [months.count, C, H, W].
    func readMonths(_ months: Range<Int>) throws -> [Float]
}

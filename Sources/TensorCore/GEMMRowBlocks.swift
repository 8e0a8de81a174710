/// The row blocks a single matrix product is cut into for threading: a fixed function of the
/// product's shape `(m, n, k)`, never of the thread count or the CPU.
///
/// Threads take blocks; blocks do not change. One block is one BLAS call, so a product gives the
/// same bytes on 1, 2, 3 or 64 threads even when the BLAS kernel's rounding depends on a call's row
/// count (it does: OpenBLAS's Haswell/Zen sgemm computes the rows of a call in panels of 12 and the
/// last, narrower panel with other kernels, so moving a call boundary changes the last bits).
///
/// Blocks are whole multiples of 16 rows (but the last), spread as evenly as 16-row units allow.
/// A product gets one block per ``minimumWork`` multiply-adds, at most ``maximumBlocks``, each of at
/// least ``minimumRows`` rows: below that, the cost of repacking `op(B)` in every call and of the
/// calls themselves is no longer small against the product.
public struct GEMMRowBlocks: Sendable, Equatable {
    /// Rows of the product.
    public let rows: Int
    /// Number of blocks (≥ 1).
    public let count: Int

    /// Rows are cut at multiples of this.
    public static let unit = 16
    /// Least rows in a block.
    public static let minimumRows = 64
    /// Least multiply-adds (`rows · n · k`) in a block.
    public static let minimumWork = 4_194_304
    /// Most blocks of one product (the most threads one product can use).
    public static let maximumBlocks = 16

    /// The blocks of an `[m, k] · [k, n]` product.
    public init(m: Int, n: Int, k: Int) {
        rows = max(0, m)
        let work = Double(rows) * Double(max(0, n)) * Double(max(0, k))
        let byWork = Int(min(Double(Self.maximumBlocks), (work / Double(Self.minimumWork)).rounded(.down)))
        count = max(1, min(byWork, rows / Self.minimumRows))
    }

    /// The rows of block `index` (`0 ..< count`).
    public func rows(of index: Int) -> Range<Int> {
        let units = (rows + Self.unit - 1) / Self.unit
        let lo = min(rows, units * index / count * Self.unit)
        let hi = index == count - 1 ? rows : min(rows, units * (index + 1) / count * Self.unit)
        return lo..<hi
    }
}

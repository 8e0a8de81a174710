/// The blocks a single matrix product is cut into for threading: a fixed function of the
/// product's shape `(m, n, k)`, never of the thread count or the CPU.
///
/// Threads take blocks; blocks do not change. One block is one BLAS call, so a product gives the
/// same bytes on 1, 2, 3 or 64 threads even when the BLAS kernel's rounding depends on a call's row
/// count (it does: OpenBLAS's Haswell/Zen sgemm computes the rows of a call in panels of 12 and the
/// last, narrower panel with other kernels, so moving a call boundary changes the last bits).
///
/// The cut side is the longer side of `C` (see ``cut(m:n:k:)``): every call packs all of the
/// operand that spans the other side again (the weights of a layer's forward product, the
/// activations of its weight gradient), so each extra block costs one more packing of that operand,
/// and blocks are made as long as the thread budget allows. Blocks are whole multiples of 16 rows
/// (but the last), spread as evenly as 16-row units allow. A product with at least twice
/// ``minimumWork`` multiply-adds and twice ``minimumRows`` rows is cut into a power of two of
/// blocks (so 2, 4, 8 or 16 threads share them evenly): at least 2, and at most as many as keep
/// ``targetRows`` rows and ``minimumWork`` multiply-adds per block, up to ``maximumBlocks``.
/// Measured on the training step's shapes (1728 rows, widths 256 to 1024), 16 blocks of ~108 rows
/// spent 9 % more CPU time in sgemm than 4 blocks of 432 rows.
public struct GEMMRowBlocks: Sendable, Equatable {
    /// Rows of the cut side.
    public let rows: Int
    /// Number of blocks (≥ 1).
    public let count: Int

    /// Rows are cut at multiples of this.
    public static let unit = 16
    /// Least rows in a block.
    public static let minimumRows = 64
    /// Rows per block the count aims at (blocks are longer when the count is rounded down to a power of two).
    public static let targetRows = 256
    /// Least multiply-adds (`rows · n · k`) in a block.
    public static let minimumWork = 4_194_304
    /// Most blocks of one product (the most threads one product can use).
    public static let maximumBlocks = 16

    /// The blocks of the rows of an `[m, k] · [k, n]` product.
    public init(m: Int, n: Int, k: Int) {
        rows = max(0, m)
        let work = Double(rows) * Double(max(0, n)) * Double(max(0, k))
        guard work >= 2 * Double(Self.minimumWork), rows >= 2 * Self.minimumRows else {
            count = 1
            return
        }
        let limit = Int(min(Double(Self.maximumBlocks), Double(rows / Self.targetRows), (work / Double(Self.minimumWork)).rounded(.down)))
        var blocks = 2
        while blocks * 2 <= limit { blocks *= 2 }
        count = blocks
    }

    /// How the product `C[m, n] = op(A)[m, k] · op(B)[k, n]` is cut: into blocks of its rows, or,
    /// when it has more columns than rows, into blocks of its columns (the rows of
    /// `Cᵀ = op(B)ᵀ · op(A)ᵀ`).
    public static func cut(m: Int, n: Int, k: Int) -> (blocks: GEMMRowBlocks, columns: Bool) {
        n > m ? (GEMMRowBlocks(m: n, n: m, k: k), true) : (GEMMRowBlocks(m: m, n: n, k: k), false)
    }

    /// The rows of block `index` (`0 ..< count`).
    public func rows(of index: Int) -> Range<Int> {
        let units = (rows + Self.unit - 1) / Self.unit
        let lo = min(rows, units * index / count * Self.unit)
        let hi = index == count - 1 ? rows : min(rows, units * (index + 1) / count * Self.unit)
        return lo..<hi
    }
}

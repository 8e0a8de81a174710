/// How memory-efficient attention cuts one (sample, head) item's `T × T` score matrix into tiles:
/// query rows in blocks of ``queryRows`` (``forwardQueryRows`` in a forward pass), key columns in
/// blocks of ``keyColumns`` (the last block of each may be shorter).
///
/// The key columns fix the bytes of a forward pass (the online softmax rescales per key tile); the
/// query rows do not, as each row's softmax and output are its own, so a forward pass may take
/// taller tiles than backward for speed alone. Backward's query rows do fix its key and value
/// gradients, which are sums over query tiles.
///
/// The tiles are a fixed function of the token count, never of the thread count or the CPU, so
/// attention gives the same bytes on any number of threads. Only one tile of scores per worker
/// exists at a time: attention memory grows linearly with the tokens.
public struct AttentionTiling: Sendable, Equatable, Hashable {
    /// Query rows per tile of backward (≥ 1).
    public let queryRows: Int
    /// Key columns per tile (≥ 1).
    public let keyColumns: Int
    /// Query rows per tile of a forward pass (≥ 1; the same bytes whatever the value).
    public let forwardQueryRows: Int

    /// A tiling of `queryRows × keyColumns` score tiles, `forwardQueryRows × keyColumns` in a forward pass
    /// (default `queryRows`).
    public init(queryRows: Int, keyColumns: Int, forwardQueryRows: Int? = nil) throws(TensorError) {
        guard queryRows > 0, keyColumns > 0, (forwardQueryRows ?? 1) > 0 else {
            throw TensorError(.invalidConfiguration, "attention tiles must be positive, got \(queryRows) × \(keyColumns)"
                              + (forwardQueryRows.map { " (forward \($0) rows)" } ?? ""))
        }
        self.queryRows = queryRows
        self.keyColumns = keyColumns
        self.forwardQueryRows = forwardQueryRows ?? queryRows
    }

    private init(unchecked queryRows: Int, _ keyColumns: Int, forward forwardQueryRows: Int) {
        self.queryRows = queryRows
        self.keyColumns = keyColumns
        self.forwardQueryRows = forwardQueryRows
    }

    /// The tiling the models use: 64 query rows × 512 key columns in backward (a 128 KiB score tile, which stays in
    /// L2), 128 × 512 in a forward pass (which streams the item's packed keys and values half as often; measured on
    /// an AMD Zen 5 at 2°, sampling passes 7 % faster). Up to 512 tokens the whole key range is one tile and no
    /// rescaling happens.
    public static let standard = AttentionTiling(unchecked: 64, 512, forward: 128)

    /// Query-row tiles of `tokens` rows in backward.
    @inlinable
    public func queryTiles(_ tokens: Int) -> Int { (tokens + queryRows - 1) / queryRows }

    /// Query-row tiles of `tokens` rows in a forward pass.
    @inlinable
    public func forwardQueryTiles(_ tokens: Int) -> Int { (tokens + forwardQueryRows - 1) / forwardQueryRows }

    /// Key-column tiles of `tokens` columns.
    @inlinable
    public func keyTiles(_ tokens: Int) -> Int { (tokens + keyColumns - 1) / keyColumns }

    /// Whether the forward pass keeps the scaled scores `s·QKᵀ` of every (sample, head) item for
    /// backward, which then skips recomputing them: only when all keys fit one key tile
    /// (`tokens ≤ keyColumns`, so the forward scores are exactly those backward would recompute)
    /// and the `heads · tokens²` floats per sample stay within `4 · width · tokens`, a fraction of
    /// what a block keeps anyway (≈ 23 · width · tokens with an MLP ratio of 4). Larger token
    /// counts keep attention memory linear in the tokens.
    public func keepsScores(tokens: Int, heads: Int, width: Int) -> Bool {
        tokens <= keyColumns && heads * tokens <= 4 * width
    }

    /// Floats of one worker's scratch for `tokens` tokens of head width `headDim`, for backward and for a forward pass
    /// (a training step's forward takes backward's size, so that each worker's allocation can reuse the block the other
    /// pass freed): backward's two score tiles (scores and their gradients, each large enough to hold the tile in padded
    /// 16-column panels, ``scoreTileFloats(tokens:)``), the output accumulator and three per-row vectors, or the forward
    /// pass's tiles (``forwardTileScratchCount(tokens:headDim:)``) if larger; then (``packsKeys``) room for three packed
    /// copies of the item's keys or values (backward reads `Kᵀ`, `Vᵀ` and `K`) and for backward's `dKᵀ` and `dVᵀ`
    /// accumulators (`Dh × T` each).
    public func scratchCount(tokens: Int, headDim: Int) -> Int {
        max(tileScratchCount(tokens: tokens, headDim: headDim), forwardTileScratchCount(tokens: tokens, headDim: headDim))
            + (packsKeys ? 5 * packFloats(tokens: tokens, headDim: headDim) : 0)
    }

    /// Floats a forward pass needs (a sampling pass's scratch): one row-major score tile of ``forwardQueryRows``, the
    /// output accumulator and the rows' maxima and sums (``forwardTileScratchCount(tokens:headDim:)``), then
    /// (``packsKeys``) the packed `Kᵀ` and `V`.
    public func forwardScratchCount(tokens: Int, headDim: Int) -> Int {
        forwardTileScratchCount(tokens: tokens, headDim: headDim) + (packsKeys ? 2 * packFloats(tokens: tokens, headDim: headDim) : 0)
    }

    /// Floats of one score tile in scratch: the tile in 16-column panels of its rows and one row of padding each
    /// (``panelStride(rows:)``).
    func scoreTileFloats(tokens: Int) -> Int {
        let rows = min(queryRows, max(tokens, 1)), cols = min(keyColumns, max(tokens, 1))
        return (cols + 15) / 16 * panelStride(rows: rows)
    }

    /// Floats from one 16-column panel of a `rows`-row score tile to the next: one row more than the panel's, so that a
    /// row's chunks are not a multiple of 4 KiB apart (at 64 rows they would be exactly 4 KiB: every chunk of a row in
    /// one L1 set, and each load behind the previous chunk's store on a 4 KiB alias).
    func panelStride(rows: Int) -> Int { 16 * rows + 16 }

    /// Floats of backward's tiles in ``scratchCount(tokens:headDim:)``, rounded up to 16 (backward's packs follow them).
    func tileScratchCount(tokens: Int, headDim: Int) -> Int {
        let rows = min(queryRows, max(tokens, 1))
        return (2 * scoreTileFloats(tokens: tokens) + rows * headDim + 3 * rows + 15) & ~15
    }

    /// Floats of a forward pass's tiles, rounded up to 16 (its packs follow them): one row-major score tile of
    /// ``forwardQueryRows`` × ``keyColumns`` (at most `tokens` each), the output accumulator and two per-row vectors.
    func forwardTileScratchCount(tokens: Int, headDim: Int) -> Int {
        let rows = min(forwardQueryRows, max(tokens, 1)), cols = min(keyColumns, max(tokens, 1))
        return (rows * cols + rows * headDim + 2 * rows + 15) & ~15
    }

    /// Floats of one packed copy of an item's `[T, Dh]` keys or values, in either orientation.
    func packFloats(tokens: Int, headDim: Int) -> Int { (max(tokens, 1) + 15) / 16 * 16 * ((headDim + 15) / 16 * 16) }

    /// Whether the tiles' products read the item's keys and values packed once per item (TensorCore's packed kernels)
    /// instead of having the BLAS pack them per tile: when key tiles start on a 16-column panel (``keyColumns`` a
    /// multiple of 16, as the standard tiling's 512 is).
    public var packsKeys: Bool { keyColumns % 16 == 0 }
}

import Foundation

/// The layer weights of a model that only samples, packed once for
/// ``GEMM/multiply(m:a:lda:packed:bias:accumulate:c:ldc:context:)`` and read by every solver step after.
///
/// Empty and off until ``ParameterStore/freezeForInference()``; then ``Linear`` packs its weight the first time it
/// runs and uses the packed copy from then on. Loading new values (``ParameterStore/load(_:prefix:)``) drops the
/// packed copies. A frozen store's values must not change otherwise (an optimiser step): the copies would go stale,
/// which is why training never freezes its model (``ParameterStore/freezeForInference()``).
public final class PackedWeightCache: @unchecked Sendable {
    private let lock = NSLock()
    private var frozen = false
    private var packed: [Int: PackedMatrix] = [:]

    init() {}

    /// Whether the store is frozen: layers use packed weights.
    public var isFrozen: Bool { lock.withLock { frozen } }

    /// Bytes of the packed copies made so far.
    public var byteCount: Int { lock.withLock { packed.values.reduce(0) { $0 + $1.byteCount } } }

    func freeze() { lock.withLock { frozen = true } }

    /// Drops the packed copies (the values changed); the store stays frozen.
    func invalidate() { lock.withLock { packed = [:] } }

    /// The transpose of `slot`'s `[out, in]` matrix packed as `op(B)` (`k = in`, `n = out`), packed on first use;
    /// nil when the store is not frozen.
    func transposedWeight(_ slot: ParameterSlot, values: UnsafePointer<Float>) -> PackedMatrix? {
        lock.withLock {
            guard frozen else { return nil }
            if let p = packed[slot.offset] { return p }
            precondition(slot.shape.count == 2, "packed weight \(slot.name) has shape \(slot.shape)")
            let p = PackedMatrix(values, rows: slot.shape[1], columns: slot.shape[0], ldb: slot.shape[1], transposed: true)
            packed[slot.offset] = p
            return p
        }
    }
}

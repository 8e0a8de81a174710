/// An owned, 64-byte aligned, zero-initialised block of `Float`s that tensors view into.
///
/// Storage is a reference type because it owns memory; ``Tensor`` values are cheap views onto it.
public final class TensorStorage: @unchecked Sendable {
    /// First element.
    public let base: UnsafeMutablePointer<Float>
    /// Number of `Float`s owned.
    public let count: Int

    /// Allocates `count` zeroed floats.
    public init(count: Int) {
        precondition(count >= 0, "TensorStorage count must be non-negative, got \(count)")
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride,
                                                   alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
        self.count = count
    }

    /// Allocates `count` floats and leaves them unwritten, so pages the caller never writes are never made resident
    /// (what ``Workspace/measure(_:)`` hands out: tensors whose shapes are counted and whose values are never used; and
    /// a workspace's chunks, whose tensors are zeroed as they are carved).
    init(untouchedCount count: Int) {
        precondition(count >= 0, "TensorStorage count must be non-negative, got \(count)")
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        self.count = count
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }
}

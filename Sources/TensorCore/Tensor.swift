/// A contiguous, row-major float32 tensor: a shape and a view onto shared ``TensorStorage``.
///
/// Copying a `Tensor` copies the view, not the numbers (like a pointer with a shape); use
/// ``clone()`` for a deep copy. Views (``view(at:shape:)``, ``reshaped(_:)``, ``slice(_:)``) are
/// free. Kernels read and write through ``data``. Shape letters used across TensorCore:
/// `B` batch, `T` tokens, `D` width, `H` heads, `Dh` head width, `N` rows (= B·T).
public struct Tensor: @unchecked Sendable {
    /// Extent of each axis, outermost first.
    public let shape: [Int]
    /// The storage viewed.
    public let storage: TensorStorage
    /// Offset of the first element in `storage`.
    public let offset: Int
    /// Number of elements (product of `shape`).
    public let count: Int

    /// A new zero-filled tensor with its own storage.
    public init(zeros shape: [Int]) {
        let n = Tensor.elementCount(shape)
        self.init(storage: TensorStorage(count: n), offset: 0, shape: shape)
    }

    /// A new tensor holding `values` (row-major); `values.count` must equal the product of `shape`.
    public init(shape: [Int], values: [Float]) throws(TensorError) {
        let n = Tensor.elementCount(shape)
        guard n == values.count else {
            throw TensorError(.shapeMismatch, "shape \(shape) holds \(n) values, got \(values.count)")
        }
        self.init(zeros: shape)
        values.withUnsafeBufferPointer { src in
            if let b = src.baseAddress { data.update(from: b, count: n) }
        }
    }

    /// A view of `shape` starting at `offset` of `storage`.
    public init(storage: TensorStorage, offset: Int, shape: [Int]) {
        let n = Tensor.elementCount(shape)
        precondition(offset >= 0 && offset + n <= storage.count,
                     "view [\(offset), \(offset + n)) exceeds storage of \(storage.count)")
        self.storage = storage
        self.offset = offset
        self.shape = shape
        self.count = n
    }

    /// Pointer to the first element (valid while `storage` is alive).
    @inlinable public var data: UnsafeMutablePointer<Float> { storage.base + offset }

    /// Number of axes.
    public var rank: Int { shape.count }

    /// The same elements seen with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(Tensor.elementCount(newShape) == count, "cannot reshape \(shape) to \(newShape)")
        return Tensor(storage: storage, offset: offset, shape: newShape)
    }

    /// A view of `shape` starting `elementOffset` elements into this tensor.
    public func view(at elementOffset: Int, shape newShape: [Int]) -> Tensor {
        precondition(elementOffset >= 0 && elementOffset + Tensor.elementCount(newShape) <= count,
                     "view at \(elementOffset) of \(newShape) exceeds tensor \(shape)")
        return Tensor(storage: storage, offset: offset + elementOffset, shape: newShape)
    }

    /// Index `i` along the first axis (a view of rank − 1).
    public func slice(_ i: Int) -> Tensor {
        precondition(rank >= 1 && i >= 0 && i < shape[0], "slice \(i) out of range for \(shape)")
        let inner = Array(shape.dropFirst())
        return view(at: i * Tensor.elementCount(inner), shape: inner)
    }

    /// A deep copy with its own storage.
    public func clone() -> Tensor {
        let t = Tensor(zeros: shape)
        t.data.update(from: data, count: count)
        return t
    }

    /// The elements as an array (row-major).
    public func toArray() -> [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// Sets every element to `value`.
    public func fill(_ value: Float) { data.update(repeating: value, count: count) }

    /// Sets every element to zero.
    public func zero() { data.update(repeating: 0, count: count) }

    /// Copies the elements of `source` (same element count) into this tensor.
    public func copy(from source: Tensor) {
        precondition(source.count == count, "copy of \(source.shape) into \(shape)")
        data.update(from: source.data, count: count)
    }

    /// Element at flat (row-major) index `i`.
    public subscript(flat i: Int) -> Float {
        get { data[i] }
        nonmutating set { data[i] = newValue }
    }

    /// Checks that the view lies inside its storage and the count matches the shape.
    public func checkInvariants() {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in \(shape)")
        precondition(count == Tensor.elementCount(shape), "count \(count) ≠ product of \(shape)")
        precondition(offset >= 0 && offset + count <= storage.count, "view exceeds storage")
    }

    /// Product of the extents.
    @inlinable public static func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }
}

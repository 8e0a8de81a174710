/// A node of the reverse-mode graph: a row-major [rows, cols] array of values and (lazily) its gradient.
public final class Variable: @unchecked Sendable {
    /// Values, [rows, cols].
    public var value: [Float]
    /// Gradient of the loss w.r.t. `value` (allocated on first accumulation).
    public var grad: [Float]
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let cols: Int
    /// Whether gradients flow into this node.
    public let requiresGrad: Bool

    /// Creates a node; `value.count` must equal rows·cols (checked by the graph ops).
    public init(_ value: [Float], rows: Int, cols: Int, requiresGrad: Bool) {
        self.value = value
        self.rows = rows
        self.cols = cols
        self.requiresGrad = requiresGrad
        self.grad = []
    }

    /// Allocates the gradient if needed.
    @inline(__always) func ensureGrad() {
        if grad.isEmpty { grad = [Float](repeating: 0, count: value.count) }
    }

    /// Resets the gradient to zero (keeps the allocation).
    public func zeroGrad() {
        if !grad.isEmpty { for i in 0..<grad.count { grad[i] = 0 } }
    }
}

/// A recording of operations for one forward pass; `backward` runs the recorded adjoints in reverse.
///
/// With `recording == false` (sampling) nothing is stored and no gradient is ever allocated.
public final class Graph: @unchecked Sendable {
    /// Whether ops record their adjoints.
    public let recording: Bool
    private var adjoints: [() -> Void] = []

    /// Creates a graph.
    public init(recording: Bool) { self.recording = recording }

    /// Records an adjoint if recording and any input needs a gradient.
    @inline(__always) func record(_ needs: Bool, _ adjoint: @escaping () -> Void) {
        if recording && needs { adjoints.append(adjoint) }
    }

    /// A constant input (no gradient).
    public func constant(_ value: [Float], rows: Int, cols: Int) -> Variable {
        Variable(value, rows: rows, cols: cols, requiresGrad: false)
    }

    /// Seeds d(loss)/d(loss) = 1 on a scalar and runs all adjoints in reverse order.
    public func backward(from loss: Variable) {
        loss.ensureGrad()
        loss.grad[0] = 1
        for adj in adjoints.reversed() { adj() }
        adjoints.removeAll()
    }
}

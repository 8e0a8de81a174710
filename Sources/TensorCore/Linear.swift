/// A fully connected layer `y = x · Wᵀ + b` over the last axis.
///
/// Weight `[outFeatures, inFeatures]` (PyTorch layout), bias `[outFeatures]`. All products go
/// through ``GEMM``'s packed-operand kernels; the forward pass needs no saved state beyond its input. In a store
/// frozen for inference (``ParameterStore/freezeForInference()``) the forward pass multiplies by the weight packed
/// once (``PackedWeightCache``); otherwise (training) every product is a chained product
/// (``GEMM/chainMultiply(_:_:m:n:k:a:lda:b:ldb:start:c:ldc:context:)``), whose bits do not depend on the CPU.
public struct Linear: Sendable {
    /// Input width `C`.
    public let inFeatures: Int
    /// Output width `OC`.
    public let outFeatures: Int
    /// Weight slot, `[OC, C]`.
    public let weight: ParameterSlot
    /// Bias slot, `[OC]`, if the layer has one.
    public let bias: ParameterSlot?

    /// Registers the weight (`name.weight`) and optionally the bias (`name.bias`) in `layout`.
    ///
    /// - Parameter zeroInit: initialise weight and bias to zero (adaLN-Zero, final projections);
    ///   otherwise Xavier-uniform weight and zero bias.
    public init(_ name: String, inFeatures: Int, outFeatures: Int, bias: Bool = true, zeroInit: Bool = false,
                layout: inout ParameterLayout) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = layout.add(name + ".weight", shape: [outFeatures, inFeatures],
                            initializer: zeroInit ? .zeros : .xavierUniform(fanIn: inFeatures, fanOut: outFeatures))
        self.bias = bias ? layout.add(name + ".bias", shape: [outFeatures], initializer: .zeros, weightDecay: false) : nil
    }

    /// `y = x · Wᵀ + b`.
    /// - Parameters:
    ///   - x: `[N, C]` (any leading shape with last axis `C`).
    ///   - y: `[N, OC]` output (overwritten).
    public func forward(_ x: Tensor, into y: Tensor, parameters: ParameterStore, context: ComputeContext) {
        let n = x.count / inFeatures
        precondition(x.shape.last == inFeatures && y.count == n * outFeatures,
                     "Linear \(inFeatures)→\(outFeatures): input \(x.shape), output \(y.shape)")
        let b = bias.map { UnsafePointer(parameters.valuePointer($0)) }
        // A frozen model (sampling) multiplies by its weight packed once, not repacked by the BLAS on every call.
        if let packed = parameters.packedWeights.transposedWeight(weight, values: parameters.valuePointer(weight)) {
            GEMM.multiply(m: n, a: x.data, lda: inFeatures, packed: packed, bias: b, accumulate: false, c: y.data,
                          ldc: outFeatures, context: context)
            return
        }
        // Training: each output's chain of multiply-adds starts at its bias (the same bits on every CPU).
        GEMM.chainMultiply(.none, .transposed, m: n, n: outFeatures, k: inFeatures, a: x.data, lda: inFeatures,
                           b: parameters.valuePointer(weight), ldb: inFeatures, start: b.map { .row($0) } ?? .zero,
                           c: y.data, ldc: outFeatures, context: context)
    }

    /// Gradients of `y = x · Wᵀ + b`: `dW += dyᵀ · x`, `db += Σ dy`, and `dx (+)= dy · W`.
    /// - Parameters:
    ///   - dy: `[N, OC]`.
    ///   - x: `[N, C]`, the forward input.
    ///   - dx: `[N, C]` or `nil` when the input gradient is not needed.
    ///   - accumulate: add into `dx` instead of overwriting it.
    ///   - biasGradient: accumulate the bias gradient (false when the caller already added `Σ dy`,
    ///     e.g. fused into the pass that produced `dy`: ``GELU/backward(_:input:addingColumnSumsInto:context:)``).
    ///
    /// `dx` may be `x` itself (a caller whose input is dead afterwards): the parameter gradients are then taken first.
    /// Either order computes the same products, so the bytes are the same.
    public func backward(_ dy: Tensor, input x: Tensor, inputGradient dx: Tensor?, accumulate: Bool = false,
                         biasGradient: Bool = true, parameters: ParameterStore, context: ComputeContext) {
        let n = x.count / inFeatures
        precondition(dy.count == n * outFeatures, "Linear backward: dy \(dy.shape) vs x \(x.shape)")
        guard let dx else {
            backwardParameters(dy, input: x, biasGradient: biasGradient, parameters: parameters, context: context)
            return
        }
        precondition(dx.count == x.count, "Linear backward: dx \(dx.shape) vs x \(x.shape)")
        if dx.data == x.data {
            precondition(!accumulate, "Linear backward: an input gradient written over the input cannot accumulate")
            backwardParameters(dy, input: x, biasGradient: biasGradient, parameters: parameters, context: context)
            backwardInput(dy, inputGradient: dx, parameters: parameters, context: context)
        } else {
            backwardInput(dy, inputGradient: dx, accumulate: accumulate, parameters: parameters, context: context)
            backwardParameters(dy, input: x, biasGradient: biasGradient, parameters: parameters, context: context)
        }
    }

    /// The input gradient of ``backward(_:input:inputGradient:accumulate:biasGradient:parameters:context:)`` alone:
    /// `dx (+)= dy · W` (`dy` `[N, OC]`, `dx` `[N, C]`).
    public func backwardInput(_ dy: Tensor, inputGradient dx: Tensor, accumulate: Bool = false, parameters: ParameterStore,
                              context: ComputeContext) {
        let n = dx.count / inFeatures
        precondition(dy.count == n * outFeatures, "Linear backward: dy \(dy.shape) vs dx \(dx.shape)")
        GEMM.chainMultiply(.none, .none, m: n, n: inFeatures, k: outFeatures, a: dy.data, lda: outFeatures,
                           b: parameters.valuePointer(weight), ldb: inFeatures, start: accumulate ? .existing : .zero,
                           c: dx.data, ldc: inFeatures, context: context)
    }

    /// The parameter gradients of ``backward(_:input:inputGradient:accumulate:biasGradient:parameters:context:)``
    /// alone: `dW += dyᵀ · x`, `db += Σ dy` (the same products, so with ``backwardInput(_:inputGradient:accumulate:parameters:context:)``
    /// in either order the same bytes as ``backward(_:input:inputGradient:accumulate:biasGradient:parameters:context:)``).
    public func backwardParameters(_ dy: Tensor, input x: Tensor, biasGradient: Bool = true, parameters: ParameterStore,
                                   context: ComputeContext) {
        let n = x.count / inFeatures
        precondition(dy.count == n * outFeatures, "Linear backward: dy \(dy.shape) vs x \(x.shape)")
        GEMM.chainMultiply(.transposed, .none, m: outFeatures, n: inFeatures, k: n, a: dy.data, lda: outFeatures,
                           b: x.data, ldb: inFeatures, start: .existing, c: parameters.gradientPointer(weight),
                           ldc: inFeatures, context: context)
        if let bias, biasGradient {
            ColumnSum.accumulate(dy.data, rows: n, columns: outFeatures,
                                 into: parameters.gradientPointer(bias), context: context)
        }
    }
}

/// Column sums of a row-major matrix added into a vector, in row order (deterministic).
package enum ColumnSum {
    /// `out[j] += Σ_r m[r, j]`, rows in order; the columns are split into one contiguous part per
    /// worker (multiples of 16), each streamed row by row (its part of `out` stays in L1).
    package static func accumulate(_ m: UnsafePointer<Float>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Float>,
                                   context: ComputeContext) {
        forEachPart(rows: rows, columns: columns, context: context) { lo, hi in
            for r in 0..<rows { addRow(m + r * columns, into: out, lo, hi) }
        }
    }

    /// Calls `body(lo, hi)` for the column parts `lo ..< hi` of a `rows × columns` matrix, in
    /// parallel: one contiguous part per worker (multiples of 16 columns), one part for small matrices.
    /// Each column is one part's alone, so per-column results do not depend on the parts.
    @inline(__always)
    static func forEachPart(rows: Int, columns: Int, context: ComputeContext, _ body: (Int, Int) -> Void) {
        let parts = rows * columns >= 65_536 ? max(1, min(context.threads, columns / 16)) : 1
        let blocks = (columns + 15) / 16
        context.parallelFor(parts) { range in
            for part in range {
                body(min(columns, blocks * part / parts * 16), min(columns, blocks * (part + 1) / parts * 16))
            }
        }
    }

    /// `out[lo..<hi] += row[lo..<hi]` (a plain loop the vectoriser handles).
    @inline(__always)
    static func addRow(_ row: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, _ lo: Int, _ hi: Int) {
        for j in lo..<hi { out[j] += row[j] }
    }
}

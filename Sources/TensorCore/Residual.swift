/// Residual connections: `out = x + y` (its backward is the identity on both inputs).
public enum Residual {
    /// `out = x + y` element-wise (`out` may alias `x` or `y`).
    public static func forward(_ x: Tensor, _ y: Tensor, into out: Tensor, context: ComputeContext) {
        precondition(x.count == y.count && out.count == x.count, "Residual: \(x.shape) + \(y.shape) → \(out.shape)")
        let px = x.data, py = y.data, po = out.data
        ElementwiseLoop.ranges(x.count, context: context) { range in
            for i in range { po[i] = px[i] + py[i] }
        }
    }

    /// `dx += dout` (both residual inputs receive `dout`; use for the branch that accumulates).
    public static func backward(_ dOut: Tensor, accumulateInto dx: Tensor, context: ComputeContext) {
        precondition(dOut.count == dx.count, "Residual backward: \(dOut.shape) vs \(dx.shape)")
        let pd = dOut.data, px = dx.data
        ElementwiseLoop.ranges(dx.count, context: context) { range in
            for i in range { px[i] += pd[i] }
        }
    }
}

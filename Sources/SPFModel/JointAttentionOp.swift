import Foundation
import TensorCore

extension Graph {
    /// Multi-head softmax attention within each group of `tokens` rows (one item's joint
    /// forcing + field sequence): q, k, v [G·N, heads·dh] → [G·N, heads·dh], scale 1/√dh.
    public func attention(_ q: Variable, _ k: Variable, _ v: Variable, groups: Int, tokens n: Int, heads: Int) -> Variable {
        let d = q.cols, dh = d / heads
        let scale = 1 / Float(dh).squareRoot()
        var o = [Float](repeating: 0, count: q.rows * d)
        let saveP = recording && (q.requiresGrad || k.requiresGrad || v.requiresGrad)
        var probs = [Float](repeating: 0, count: saveP ? groups * heads * n * n : 0)
        var p = [Float](repeating: 0, count: n * n)
        q.value.withUnsafeBufferPointer { qp in
            k.value.withUnsafeBufferPointer { kp in
                v.value.withUnsafeBufferPointer { vp in
                    o.withUnsafeMutableBufferPointer { op in
                        p.withUnsafeMutableBufferPointer { pp in
                            for g in 0..<groups {
                                for h in 0..<heads {
                                    let off = g * n * d + h * dh
                                    GEMM.multiply(.none, .transposed, m: n, n: n, k: dh, alpha: scale, a: qp.baseAddress! + off, lda: d,
                                                  b: kp.baseAddress! + off, ldb: d, c: pp.baseAddress!, ldc: n)
                                    for i in 0..<n { VectorMath.softmaxRow(pp.baseAddress! + i * n, n) }
                                    GEMM.multiply(.none, .none, m: n, n: dh, k: n, a: pp.baseAddress!, lda: n, b: vp.baseAddress! + off,
                                                  ldb: d, c: op.baseAddress! + off, ldc: d)
                                    if saveP {
                                        let base = (g * heads + h) * n * n
                                        for idx in 0..<(n * n) { probs[base + idx] = pp[idx] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let out = Variable(o, rows: q.rows, cols: d, requiresGrad: q.requiresGrad || k.requiresGrad || v.requiresGrad)
        record(out.requiresGrad) {
            guard !out.grad.isEmpty else { return }
            q.ensureGrad(); k.ensureGrad(); v.ensureGrad()
            var dp = [Float](repeating: 0, count: n * n)
            var pr = [Float](repeating: 0, count: n * n)
            out.grad.withUnsafeBufferPointer { dop in
                q.value.withUnsafeBufferPointer { qp in
                    k.value.withUnsafeBufferPointer { kp in
                        v.value.withUnsafeBufferPointer { vp in
                            q.grad.withUnsafeMutableBufferPointer { dq in
                                k.grad.withUnsafeMutableBufferPointer { dk in
                                    v.grad.withUnsafeMutableBufferPointer { dv in
                                        dp.withUnsafeMutableBufferPointer { dpp in
                                            pr.withUnsafeMutableBufferPointer { ppp in
                                                for g in 0..<groups {
                                                    for h in 0..<heads {
                                                        let off = g * n * d + h * dh
                                                        let base = (g * heads + h) * n * n
                                                        for idx in 0..<(n * n) { ppp[idx] = probs[base + idx] }
                                                        GEMM.multiply(.none, .transposed, m: n, n: n, k: dh, a: dop.baseAddress! + off, lda: d,
                                                                      b: vp.baseAddress! + off, ldb: d, c: dpp.baseAddress!, ldc: n)
                                                        GEMM.multiply(.transposed, .none, m: n, n: dh, k: n, a: ppp.baseAddress!, lda: n,
                                                                      b: dop.baseAddress! + off, ldb: d, beta: 1, c: dv.baseAddress! + off, ldc: d)
                                                        for i in 0..<n {
                                                            var s: Float = 0
                                                            for j in 0..<n { s += dpp[i * n + j] * ppp[i * n + j] }
                                                            for j in 0..<n { dpp[i * n + j] = ppp[i * n + j] * (dpp[i * n + j] - s) }
                                                        }
                                                        GEMM.multiply(.none, .none, m: n, n: dh, k: n, alpha: scale, a: dpp.baseAddress!, lda: n,
                                                                      b: kp.baseAddress! + off, ldb: d, beta: 1, c: dq.baseAddress! + off, ldc: d)
                                                        GEMM.multiply(.transposed, .none, m: n, n: dh, k: n, alpha: scale, a: dpp.baseAddress!, lda: n,
                                                                      b: qp.baseAddress! + off, ldb: d, beta: 1, c: dk.baseAddress! + off, ldc: d)
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}

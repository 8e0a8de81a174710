import Dispatch
import Foundation
import TensorCore

/// `spfflow bench scaling --parts layers`: a training step's layer products at the 2° comparison shapes
/// (``TorchComparison``'s MM-DiT, batch 2: every linear's forward, input-gradient and weight-gradient product), run as
/// training runs them (``GEMM/chainMultiply(_:_:m:n:k:a:lda:b:ldb:start:c:ldc:context:)``, the packed kernels) and as
/// cblas_sgemm runs them (``GEMM/multiply(_:_:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:rowInitialValue:context:)``, OpenBLAS
/// cut into row blocks, what training ran before `spf.train` 9), alternately, with the same threads.
///
/// `OPENBLAS_CORETYPE` picks the OpenBLAS side's kernels, so one CPU can compare against another's (SkylakeX, the
/// AVX-512 kernels OpenBLAS runs on an Intel Xeon, on an AMD Zen 5 whose environment holds OpenBLAS to Haswell's).
enum ScalingLayerProducts {
    struct Result {
        /// Medians over the rounds of the sum over the step's layer products, milliseconds.
        let chainMs: Double, sgemmMs: Double
        /// Matrix FLOPs of the step's layer products.
        let gflop: Double
        let products: Int
    }

    static func measure(threads: Int, rounds: Int) throws -> Result {
        let cmp = TorchComparison(threads: threads)
        let config = try MMDiTConfiguration(width: cmp.width, heads: cmp.heads, mlpRatio: cmp.mlpRatio, conditionWidth: cmp.width,
                                            hasContext: true, qkNorm: true)
        var layout = ParameterLayout()
        let stack = try MMDiTStack("blocks", depth: cmp.depth, configuration: config, layout: &layout)
        let shapes = stack.trainingStepGEMMs(batch: cmp.trainBatch, latentTokens: cmp.latentTokens,
                                             contextTokens: cmp.contextTokens).filter { $0.count == 1 }
        // One set of operands per distinct shape (the step repeats each shape once per block).
        struct Operands { let a: Tensor, b: Tensor, c: Tensor }
        var rng = RandomStream(seed: 3)
        struct Key: Hashable { let m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool }
        var operands: [Key: Operands] = [:]
        func key(_ s: GEMMShape) -> Key { Key(m: s.m, n: s.n, k: s.k, transposeA: s.transposeA, transposeB: s.transposeB) }
        for s in shapes where operands[key(s)] == nil {
            let o = Operands(a: Tensor(zeros: [s.m * s.k]), b: Tensor(zeros: [s.k * s.n]), c: Tensor(zeros: [s.m * s.n]))
            rng.fillNormal(o.a)
            rng.fillNormal(o.b)
            operands[key(s)] = o
        }
        let ctx = ComputeContext(threads: threads)
        func run(chained: Bool) -> Double {
            let t0 = DispatchTime.now().uptimeNanoseconds
            for s in shapes {
                guard let o = operands[key(s)] else { continue }
                let ta: Transpose = s.transposeA ? .transposed : .none, tb: Transpose = s.transposeB ? .transposed : .none
                let lda = s.transposeA ? s.m : s.k, ldb = s.transposeB ? s.k : s.n
                // A weight gradient (A transposed) accumulates; the others overwrite.
                if chained {
                    GEMM.chainMultiply(ta, tb, m: s.m, n: s.n, k: s.k, a: o.a.data, lda: lda, b: o.b.data, ldb: ldb,
                                       start: s.transposeA ? .existing : .zero, c: o.c.data, ldc: s.n, context: ctx)
                } else {
                    GEMM.multiply(ta, tb, m: s.m, n: s.n, k: s.k, a: o.a.data, lda: lda, b: o.b.data, ldb: ldb,
                                  beta: s.transposeA ? 1 : 0, c: o.c.data, ldc: s.n, context: ctx)
                }
            }
            return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
        }
        _ = run(chained: true)
        _ = run(chained: false)
        var chain: [Double] = [], sgemm: [Double] = []
        for _ in 0..<max(rounds, 1) {
            chain.append(run(chained: true))
            sgemm.append(run(chained: false))
        }
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        return Result(chainMs: median(chain), sgemmMs: median(sgemm), gflop: shapes.reduce(0) { $0 + $1.flops } / 1e9,
                      products: shapes.count)
    }
}

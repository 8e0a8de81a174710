import Testing
import TensorCore

@Suite struct GEMMTests {
    /// Float64 reference of `alpha·op(A)·op(B) + beta·C`.
    static func reference(_ a: Tensor, _ ta: Bool, _ b: Tensor, _ tb: Bool, _ c: Tensor, m: Int, n: Int, k: Int,
                          alpha: Double, beta: Double) -> [Double] {
        (0..<(m * n)).map { idx in
            let i = idx / n, j = idx % n
            var s = 0.0
            for p in 0..<k {
                let av = ta ? a[flat: p * m + i] : a[flat: i * k + p]
                let bv = tb ? b[flat: j * k + p] : b[flat: p * n + j]
                s += Double(av) * Double(bv)
            }
            return alpha * s + beta * Double(c[flat: idx])
        }
    }

    /// Every transpose combination, with alpha and beta, unsplit and split over two workers.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func transposesMatchReference(ta: Bool, tb: Bool) {
        for (m, n, k) in [(5, 7, 3), (400, 128, 192)] {  // the second is split over the two workers
            let a = GradientCheck.random(ta ? [k, m] : [m, k], seed: 1)
            let b = GradientCheck.random(tb ? [n, k] : [k, n], seed: 2)
            let c = GradientCheck.random([m, n], seed: 3)
            let ref = Self.reference(a, ta, b, tb, c, m: m, n: n, k: k, alpha: 0.5, beta: 2)
            GEMM.multiply(a, ta ? .transposed : .none, b, tb ? .transposed : .none, into: c, alpha: 0.5, beta: 2,
                          context: ComputeContext(threads: 2))
            let worst = zip(c.toArray(), ref).map { abs(Double($0) - $1) / (1 + abs($1)) }.max() ?? 0
            #expect(worst < 1e-4, "m \(m) n \(n) k \(k): worst \(worst)")
        }
    }

    @Test func batchedMatchesPerItemProducts() {
        let a = GradientCheck.random([6, 9, 4], seed: 1), b = GradientCheck.random([6, 5, 4], seed: 2)
        let c = Tensor(zeros: [6, 9, 5])
        GEMM.batchedMultiply(a, .none, b, .transposed, into: c, context: ComputeContext(threads: 2))
        for i in 0..<6 {
            let ref = Self.reference(a.slice(i), false, b.slice(i), true, c.slice(i), m: 9, n: 5, k: 4, alpha: 1, beta: 0)
            #expect(zip(c.slice(i).toArray(), ref).allSatisfy { abs(Double($0) - $1) < 1e-5 })
        }
    }

    /// A bias written into each GEMM block's rows before its product gives the bytes of a bias
    /// written first and a product added to it, for products cut into rows, into columns, and whole.
    @Test(arguments: [(1728, 256, 256), (8, 1536, 256), (300, 2000, 64), (5, 7, 3)])
    func biasInGEMMBlocksEqualsBiasFirst(m: Int, n: Int, k: Int) {
        let a = GradientCheck.random([m, k], seed: 1), w = GradientCheck.random([n, k], seed: 2)
        let bias = GradientCheck.random([n], seed: 3)
        let want = Tensor(zeros: [m, n])
        for r in 0..<m { (want.data + r * n).update(from: bias.data, count: n) }
        GEMM.multiply(.none, .transposed, m: m, n: n, k: k, a: a.data, lda: k, b: w.data, ldb: k, beta: 1, c: want.data,
                      ldc: n, context: .serial)
        for threads in [1, 2, 3] {
            let got = Tensor(zeros: [m, n])
            GEMM.multiply(.none, .transposed, m: m, n: n, k: k, a: a.data, lda: k, b: w.data, ldb: k, beta: 1, c: got.data,
                          ldc: n, rowInitialValue: bias.data, context: ComputeContext(threads: threads))
            #expect(got.toArray() == want.toArray(), "\(m)×\(n)×\(k) on \(threads) threads")
        }
    }
}

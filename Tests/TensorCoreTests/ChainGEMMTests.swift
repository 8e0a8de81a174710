import Foundation
import Testing
import TensorCore

/// Chained products (training's layer products): every element is the definition's one `fma` chain over k, starting
/// where `start` says, for every instruction set this CPU runs, every thread count, every transposition and shapes that
/// cross the pieces (192 rows, 32 columns) and the packed blocks of k (256): the same bits everywhere, so trained weights
/// do not depend on the CPU.
@Suite struct ChainGEMMTests {
    /// Whole and partial panels and tiles, k = 0, k past one and two packed blocks, more rows than one piece, a wide
    /// output over few rows (a mean-field head) and a long k over few rows (its input gradient).
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (5, 7, 3), (8, 32, 17), (13, 45, 300), (7, 20, 0), (200, 70, 257), (64, 128, 600), (4, 1000, 24),
        (3, 40, 1100),
    ]

    struct Case {
        let a: Tensor, b: Tensor, row: Tensor, initial: Tensor
        let m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int
        let transA: Transpose, transB: Transpose

        init(m: Int, n: Int, k: Int, transA: Transpose, transB: Transpose, seed: UInt64) {
            self.m = m; self.n = n; self.k = k; self.transA = transA; self.transB = transB
            lda = (transA == .none ? k : m) + 3
            ldb = (transB == .none ? n : k) + 2
            ldc = n + 5
            a = GradientCheck.random([(transA == .none ? m : k) * lda + 1], seed: seed)
            b = GradientCheck.random([(transB == .none ? k : n) * ldb + 1], seed: seed + 1)
            row = GradientCheck.random([max(n, 1)], seed: seed + 2)
            initial = GradientCheck.random([m * ldc], seed: seed + 3)
        }

        func aValue(_ i: Int, _ kk: Int) -> Float { transA == .none ? a[flat: i * lda + kk] : a[flat: kk * lda + i] }
        func bValue(_ kk: Int, _ j: Int) -> Float { transB == .none ? b[flat: kk * ldb + j] : b[flat: j * ldb + kk] }

        func startValue(_ start: Int, _ i: Int, _ j: Int) -> Float {
            switch start {
            case 0: return 0
            case 1: return initial[flat: i * ldc + j]
            default: return row[flat: j]
            }
        }

        /// The definition: one `fma` chain per element from its start, k in order; padding columns keep `initial`.
        func definition(start: Int) -> [Float] {
            var c = initial.toArray()
            for i in 0..<m {
                for j in 0..<n {
                    var acc = startValue(start, i, j)
                    for kk in 0..<k { acc = acc.addingProduct(aValue(i, kk), bValue(kk, j)) }
                    c[i * ldc + j] = acc
                }
            }
            return c
        }

        func run(start: Int, context: ComputeContext) -> [Float] {
            let c = Tensor(zeros: [m * ldc])
            c.data.update(from: initial.data, count: m * ldc)
            let chainStart: ChainStart = start == 0 ? .zero : start == 1 ? .existing : .row(UnsafePointer(row.data))
            GEMM.chainMultiply(transA, transB, m: m, n: n, k: k, a: a.data, lda: lda, b: b.data, ldb: ldb, start: chainStart,
                               c: c.data, ldc: ldc, context: context)
            return c.toArray()
        }
    }

    static let transpositions: [(Transpose, Transpose)] = [(.none, .none), (.none, .transposed), (.transposed, .none),
                                                           (.transposed, .transposed)]

    @Test(arguments: 0..<4)
    func everyInstructionSetAndThreadCountGivesTheDefinitionsBits(transposition: Int) {
        let (ta, tb) = Self.transpositions[transposition]
        for (index, s) in Self.shapes.enumerated() {
            let t = Case(m: s.m, n: s.n, k: s.k, transA: ta, transB: tb, seed: UInt64(100 * index + 10 * transposition))
            for start in 0..<3 {
                let want = t.definition(start: start).map(\.bitPattern)
                for isa in KernelISA.supported {
                    for threads in [1, 2, 3] {
                        let got = t.run(start: start, context: PackedGEMMTests.context(isa, threads: threads))
                        #expect(got.map(\.bitPattern) == want,
                                "\(s), \(ta)/\(tb), start \(start), \(isa), \(threads) threads")
                    }
                }
            }
        }
    }

    /// A product large enough to be cut over the workers (past the parallel threshold, several pieces both ways) gives
    /// the same bits on 1, 2 and 5 threads and every instruction set, and agrees with the BLAS to float rounding.
    @Test func aLargeProductIsCutWithoutChangingABit() {
        let m = 500, n = 200, k = 700
        let t = Case(m: m, n: n, k: k, transA: .transposed, transB: .none, seed: 7)
        let reference = t.run(start: 1, context: PackedGEMMTests.context(.portable, threads: 1)).map(\.bitPattern)
        for isa in KernelISA.supported {
            for threads in [1, 2, 5] {
                #expect(t.run(start: 1, context: PackedGEMMTests.context(isa, threads: threads)).map(\.bitPattern) == reference,
                        "\(isa), \(threads) threads")
            }
        }
        let blas = Tensor(zeros: [m * t.ldc])
        blas.data.update(from: t.initial.data, count: m * t.ldc)
        GEMM.multiply(.transposed, .none, m: m, n: n, k: k, a: t.a.data, lda: t.lda, b: t.b.data, ldb: t.ldb, beta: 1,
                      c: blas.data, ldc: t.ldc)
        // Each element against float rounding of its terms' magnitudes: |C| + Σ |a · b|.
        var worst: Float = 0
        for i in 0..<m {
            for j in 0..<n {
                var scale = abs(t.initial[flat: i * t.ldc + j])
                for kk in 0..<k { scale += abs(t.aValue(i, kk) * t.bValue(kk, j)) }
                let got = Float(bitPattern: reference[i * t.ldc + j]), want = blas[flat: i * t.ldc + j]
                worst = max(worst, abs(got - want) / scale)
            }
        }
        #expect(worst < 1e-6, "largest difference from the BLAS over the terms' magnitudes \(worst)")
    }

    /// A training `Linear` (its store not frozen) runs its three products chained: the forward pass starts each
    /// output at its bias, the input gradient at zero (or at the gradient already there), the weight gradient at the
    /// gradient already there; the bits do not depend on the instruction set or the thread count.
    @Test func aTrainingLinearGivesTheSameBitsOnEveryInstructionSet() {
        var layout = ParameterLayout()
        let lin = Linear("l", inFeatures: 70, outFeatures: 40, layout: &layout)
        let rows = 300
        let x = GradientCheck.random([rows, 70], seed: 11), dy = GradientCheck.random([rows, 40], seed: 12)
        let bias = GradientCheck.random([40], seed: 13)
        func run(_ context: ComputeContext) -> [UInt32] {
            let store = ParameterStore(layout: layout, seed: 5)
            store.valuePointer(lin.bias!).update(from: bias.data, count: 40)
            let y = Tensor(zeros: [rows, 40]), dx = Tensor(zeros: [rows, 70])
            lin.forward(x, into: y, parameters: store, context: context)
            lin.backward(dy, input: x, inputGradient: dx, parameters: store, context: context)
            let dw = Array(UnsafeBufferPointer(start: store.gradientPointer(lin.weight), count: 40 * 70))
            return (y.toArray() + dx.toArray() + dw).map(\.bitPattern)
        }
        let reference = run(PackedGEMMTests.context(.portable, threads: 1))
        for isa in KernelISA.supported {
            for threads in [1, 2, 3] {
                #expect(run(PackedGEMMTests.context(isa, threads: threads)) == reference, "\(isa), \(threads) threads")
            }
        }
        // The forward values themselves: bias + x · Wᵀ with every output's chain from its bias.
        let store = ParameterStore(layout: layout, seed: 5)
        store.valuePointer(lin.bias!).update(from: bias.data, count: 40)
        let w = store.valuePointer(lin.weight)
        let y = Tensor(zeros: [rows, 40])
        lin.forward(x, into: y, parameters: store, context: ComputeContext(threads: 2))
        for r in [0, 137, rows - 1] {
            for o in [0, 17, 39] {
                var acc = bias[flat: o]
                for i in 0..<70 { acc = acc.addingProduct(x[flat: r * 70 + i], w[o * 70 + i]) }
                #expect(y[flat: r * 40 + o].bitPattern == acc.bitPattern, "row \(r), output \(o)")
            }
        }
    }
}

import CPackedGEMM
import Foundation
import Testing
import TensorCore

/// The packed-operand products: every instruction set this CPU runs gives the portable kernel's bits (one `fma` chain
/// per element), for every thread count and shape, and all of them agree with a Float64 reference and with the BLAS.
@Suite struct PackedGEMMTests {
    /// Shapes with whole and partial panels (n mod 16), whole and partial tiles (m mod 8 and mod 6), odd k, k = 0,
    /// more rows than one piece (96) and more than the parallel threshold.
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (5, 7, 3), (8, 16, 17), (13, 33, 40), (64, 384, 128), (8, 768, 128), (97, 50, 65), (300, 130, 96),
        (7, 20, 0), (250, 512, 129),
    ]

    struct Case {
        let a: Tensor, b: Tensor, bias: Tensor, start: Tensor
        let m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int

        init(m: Int, n: Int, k: Int, transposed: Bool, seed: UInt64) {
            self.m = m; self.n = n; self.k = k
            lda = k + 3; ldb = (transposed ? k : n) + 2; ldc = n + 5
            a = GradientCheck.random([m * lda], seed: seed)
            b = GradientCheck.random([(transposed ? n : k) * ldb + 1], seed: seed + 1)
            bias = GradientCheck.random([max(n, 1)], seed: seed + 2)
            start = GradientCheck.random([m * ldc], seed: seed + 3)
        }

        /// `C` after the packed product, starting from `start` (so untouched padding columns show).
        func run(_ packed: PackedMatrix, bias useBias: Bool, accumulate: Bool, context: ComputeContext) -> [Float] {
            let c = Tensor(zeros: [m * ldc])
            c.data.update(from: start.data, count: m * ldc)
            GEMM.multiply(m: m, a: a.data, lda: lda, packed: packed, bias: useBias ? UnsafePointer(bias.data) : nil,
                          accumulate: accumulate, c: c.data, ldc: ldc, context: context)
            return c.toArray()
        }
    }

    static func context(_ isa: KernelISA, threads: Int) -> ComputeContext {
        var c = ComputeContext(threads: threads)
        c.kernelISA = isa
        return c
    }

    /// Packing moves values only: every instruction set writes the definition's panels (transposed panels go through
    /// 8 × 8 block transposes with AVX2), whole and partial panels, k with and without a remainder past multiples of 8.
    @Test(arguments: [false, true])
    func everyInstructionSetPacksTheDefinitionsPanels(transposed: Bool) {
        for (k, n) in [(1, 1), (32, 34), (34, 32), (7, 16), (17, 48), (64, 130), (128, 384)] {
            let ldb = (transposed ? k : n) + 3
            let b = GradientCheck.random([(transposed ? n : k) * ldb], seed: UInt64(k * 1000 + n))
            let floats = spf_packed_gemm_floats(Int32(k), Int32(n))
            var want = [Float](repeating: 0, count: floats)
            for p in 0..<(n + 15) / 16 {
                for kk in 0..<k {
                    for jj in 0..<16 where p * 16 + jj < n {
                        let j = p * 16 + jj
                        want[(p * k + kk) * 16 + jj] = transposed ? b[flat: j * ldb + kk] : b[flat: kk * ldb + j]
                    }
                }
            }
            for isa in KernelISA.supported {
                // Filled with NaN first, so padding the kernel leaves unwritten shows.
                var got = [Float](repeating: .nan, count: floats)
                got.withUnsafeMutableBufferPointer {
                    spf_packed_gemm_pack(Int32(KernelISA.allCases.firstIndex(of: isa) ?? 0), b.data, Int32(k), Int32(n), Int32(ldb),
                                         transposed ? 1 : 0, $0.baseAddress)
                }
                #expect(got.map(\.bitPattern) == want.map(\.bitPattern), "\(isa), k \(k), n \(n), transposed \(transposed)")
            }
        }
    }

    @Test func theHostRunsAtLeastTheBuildsBaseline() {
        #expect(KernelISA.supported.first == .portable && KernelISA.supported.contains(KernelISA.host))
        #if arch(x86_64)
        // The release build targets x86-64-v3, so every CPU that runs it has AVX2 and FMA.
        #expect(KernelISA.detected >= .avx2, "detected \(KernelISA.detected)")
        #endif
    }

    /// `SPFFLOW_KERNEL_ISA` is explained, not silently dropped: an unknown name, a set the CPU lacks, a set it runs.
    @Test func theEnvironmentsKernelChoiceIsExplained() {
        #expect(KernelISA.environmentNote([:]) == nil)
        let unknown = KernelISA.environmentNote(["SPFFLOW_KERNEL_ISA": "sse9"], detected: .avx2)
        #expect(unknown == "SPFFLOW_KERNEL_ISA=sse9 is not one of portable, avx2, avx512: ignored, using avx2")
        let wider = KernelISA.environmentNote(["SPFFLOW_KERNEL_ISA": "avx512"], detected: .avx2)
        #expect(wider == "SPFFLOW_KERNEL_ISA=avx512: this CPU runs up to avx2, using avx2")
        #expect(KernelISA.environmentNote(["SPFFLOW_KERNEL_ISA": "portable"], detected: .avx512) == "SPFFLOW_KERNEL_ISA=portable: using portable")
    }

    /// The bits of the portable kernel on one thread, for every supported set and 1, 2 and 3 threads.
    @Test(arguments: [false, true])
    func everyInstructionSetAndThreadCountGivesTheSameBits(transposed: Bool) {
        for (index, s) in Self.shapes.enumerated() {
            let t = Case(m: s.m, n: s.n, k: s.k, transposed: transposed, seed: UInt64(10 * index))
            let packed = PackedMatrix(t.b.data, rows: s.k, columns: s.n, ldb: t.ldb, transposed: transposed)
            for (useBias, accumulate) in [(false, false), (true, false), (false, true), (true, true)] {
                let want = t.run(packed, bias: useBias, accumulate: accumulate, context: Self.context(.portable, threads: 1))
                for isa in KernelISA.supported {
                    for threads in [1, 2, 3] {
                        let got = t.run(packed, bias: useBias, accumulate: accumulate, context: Self.context(isa, threads: threads))
                        #expect(got == want, "\(s) \(isa) on \(threads) threads, bias \(useBias), accumulate \(accumulate)")
                    }
                }
            }
        }
    }

    /// Against Float64: `A · op(B) + bias + C`, and the padding columns of `C` untouched.
    @Test(arguments: [false, true])
    func matchesAFloat64Reference(transposed: Bool) {
        for (index, s) in Self.shapes.enumerated() {
            let t = Case(m: s.m, n: s.n, k: s.k, transposed: transposed, seed: UInt64(100 + 10 * index))
            let packed = PackedMatrix(t.b.data, rows: s.k, columns: s.n, ldb: t.ldb, transposed: transposed)
            #expect(packed.rows == s.k && packed.columns == s.n && packed.panels == (s.n + 15) / 16)
            let got = t.run(packed, bias: true, accumulate: true, context: ComputeContext(threads: 2))
            var worst = 0.0
            for i in 0..<s.m {
                for j in 0..<t.ldc {
                    let g = Double(got[i * t.ldc + j]), old = Double(t.start[flat: i * t.ldc + j])
                    guard j < s.n else {
                        #expect(g == old, "\(s): padding column \(j) of row \(i) written")
                        continue
                    }
                    var sum = 0.0
                    for p in 0..<s.k {
                        let bv = transposed ? t.b[flat: j * t.ldb + p] : t.b[flat: p * t.ldb + j]
                        sum += Double(t.a[flat: i * t.lda + p]) * Double(bv)
                    }
                    let want = old + Double(t.bias[flat: j]) + sum
                    worst = max(worst, abs(g - want) / (1 + abs(want)))
                }
            }
            #expect(worst < 1e-5, "\(s): worst relative error \(worst)")
        }
    }

    /// The packed product and cblas_sgemm (through ``GEMM``) agree within float rounding.
    @Test func agreesWithTheBLAS() {
        let (m, n, k) = (200, 300, 256)
        let x = GradientCheck.random([m, k], seed: 7), w = GradientCheck.random([n, k], seed: 8)
        let blas = Tensor(zeros: [m, n]), packedOut = Tensor(zeros: [m, n])
        GEMM.multiply(x, .none, w, .transposed, into: blas, context: ComputeContext(threads: 2))
        let packed = PackedMatrix(w.data, rows: k, columns: n, ldb: k, transposed: true)
        GEMM.multiply(m: m, a: x.data, lda: k, packed: packed, bias: nil, accumulate: false, c: packedOut.data, ldc: n,
                      context: ComputeContext(threads: 2))
        let worst = zip(blas.toArray(), packedOut.toArray()).map { abs($0 - $1) / (1 + abs($0)) }.max() ?? 1
        #expect(worst < 1e-5, "worst \(worst)")
    }

    /// A frozen store's linear layer: packs its weight once, gives the BLAS path's outputs within rounding, the same
    /// bits on every thread count, and follows values loaded after freezing.
    @Test func aFrozenLinearUsesItsPackedWeight() throws {
        var layout = ParameterLayout()
        let lin = Linear("l", inFeatures: 96, outFeatures: 40, layout: &layout)
        let store = ParameterStore(layout: layout, seed: 1)
        GradientCheck.randomize(store, seed: 2)
        let x = GradientCheck.random([70, 96], seed: 3)
        let ctx = ComputeContext(threads: 2)
        let unfrozen = Tensor(zeros: [70, 40])
        lin.forward(x, into: unfrozen, parameters: store, context: ctx)
        #expect(!store.isFrozenForInference && store.packedWeights.byteCount == 0)

        store.freezeForInference()
        var outputs: [[Float]] = []
        for threads in [1, 2, 3] {
            let y = Tensor(zeros: [70, 40])
            lin.forward(x, into: y, parameters: store, context: ComputeContext(threads: threads))
            outputs.append(y.toArray())
        }
        #expect(store.isFrozenForInference)
        #expect(store.packedWeights.byteCount == 96 * 48 * MemoryLayout<Float>.stride, "\(store.packedWeights.byteCount)")
        #expect(outputs.allSatisfy { $0 == outputs[0] })
        let worst = zip(unfrozen.toArray(), outputs[0]).map { abs($0 - $1) / (1 + abs($0)) }.max() ?? 1
        #expect(worst < 1e-5, "worst \(worst)")

        // New values loaded into the frozen store reach the packed copy.
        var state = store.stateDictionary()
        state.floats["params/l.weight"] = StateArray(shape: [40, 96], values: [Float](repeating: 0, count: 40 * 96))
        try store.load(state)
        let y = Tensor(zeros: [70, 40])
        lin.forward(x, into: y, parameters: store, context: ctx)
        let bias = store.value(lin.bias!).toArray()
        #expect((0..<70).allSatisfy { r in Array(y.toArray()[(r * 40)..<(r * 40 + 40)]) == bias })
    }
}

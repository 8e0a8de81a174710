import CPackedGEMM
import Foundation
import Testing
import TensorCore

/// Attention's softmax exponentials (`spf_softmax_exp`): the same bits and sums on every instruction set this CPU runs,
/// within 2 ulp of `exp`, clamped like SIMDMath.exp, and NaN stays NaN; and the online-softmax step over a score tile's
/// rows (`spf_softmax_online_rows`), the bits of its definition on every instruction set.
@Suite struct SoftmaxExpTests {
    /// The C kernels' code of `isa` (its index among the sets, as `KernelISA.code` is).
    static func code(_ isa: KernelISA) -> Int32 { Int32(KernelISA.allCases.firstIndex(of: isa) ?? 0) }

    static func run(_ isa: KernelISA, _ x: [Float], shift: Float) -> (values: [Float], sum: Float) {
        var y = [Float](repeating: 0, count: x.count)
        let sum = x.withUnsafeBufferPointer { xs in
            y.withUnsafeMutableBufferPointer { ys in
                spf_softmax_exp(code(isa), xs.baseAddress, ys.baseAddress, Int32(x.count), shift)
            }
        }
        return (y, sum)
    }

    @Test func everyInstructionSetGivesTheSameBits() {
        var rng = RandomStream(seed: 3)
        for n in [0, 1, 7, 15, 16, 17, 33, 512, 515] {
            let x = rng.normals(count: n).map { $0 * 6 }
            let shift = x.max() ?? 0
            let want = Self.run(.portable, x, shift: shift)
            for isa in KernelISA.supported {
                let got = Self.run(isa, x, shift: shift)
                #expect(got.values.map(\.bitPattern) == want.values.map(\.bitPattern), "\(isa), n \(n)")
                #expect(got.sum.bitPattern == want.sum.bitPattern, "\(isa), n \(n): sum \(got.sum) vs \(want.sum)")
            }
        }
    }

    /// State of the online softmax over a tile of `rows` rows: exponentials, running maxima and sums, outputs.
    struct OnlineState: Equatable {
        var out: [Float], rowMax: [Float], rowSum: [Float], acc: [Float]

        /// Bit patterns, with the running maxima by value (a zero maximum may be +0 or -0, see softmax_exp.h).
        static func == (a: OnlineState, b: OnlineState) -> Bool {
            a.out.map(\.bitPattern) == b.out.map(\.bitPattern) && a.rowMax == b.rowMax
                && a.rowSum.map(\.bitPattern) == b.rowSum.map(\.bitPattern) && a.acc.map(\.bitPattern) == b.acc.map(\.bitPattern)
        }
    }

    /// One `spf_softmax_online_rows` step on `isa`.
    static func onlineStep(_ isa: KernelISA, _ scores: [Float], n: Int, dh: Int, first: Bool, _ state: inout OnlineState) {
        let rows = state.rowMax.count
        spf_softmax_online_rows(code(isa), scores, &state.out, Int32(rows), Int32(n), Int32(n), first ? 1 : 0, &state.rowMax,
                                &state.rowSum, &state.acc, Int32(dh), Int32(dh))
    }

    /// The step as its header defines it, in Swift on the portable kernel's exponentials.
    static func definedStep(_ scores: [Float], n: Int, dh: Int, first: Bool, _ state: inout OnlineState) {
        for r in 0..<state.rowMax.count {
            let row = Array(scores[(r * n)..<((r + 1) * n)])
            var tileMax = -Float.infinity
            for v in row { tileMax = v > tileMax ? v : tileMax }
            if first {
                let (y, sum) = run(.portable, row, shift: tileMax)
                state.out.replaceSubrange((r * n)..<((r + 1) * n), with: y)
                state.rowMax[r] = tileMax
                state.rowSum[r] = sum
                continue
            }
            let m = state.rowMax[r] > tileMax ? state.rowMax[r] : tileMax
            let correction = run(.portable, [state.rowMax[r]], shift: m).sum
            let (y, sum) = run(.portable, row, shift: m)
            state.out.replaceSubrange((r * n)..<((r + 1) * n), with: y)
            state.rowSum[r] = state.rowSum[r] * correction + sum
            state.rowMax[r] = m
            if correction != 1 { for j in 0..<dh { state.acc[r * dh + j] *= correction } }
        }
    }

    /// Two key tiles through every instruction set give the definition's bits: rows whose maximum grows in the second
    /// tile (their accumulated outputs rescaled) and rows whose does not, tiles of whole and partial 16-lane blocks, a
    /// +0 / -0 tie for the maximum, and a NaN score (never the maximum).
    @Test(arguments: [1, 15, 16, 37, 512])
    func onlineRowsGiveTheDefinitionsBitsOnEveryInstructionSet(n: Int) {
        let rows = 6, dh = 20
        var rng = RandomStream(seed: UInt64(40 + n))
        var first = rng.normals(count: rows * n).map { $0 * 4 }, second = rng.normals(count: rows * n).map { $0 * 4 }
        for j in 0..<n { second[2 * n + j] = first[2 * n + j] - 30 }   // row 2: the maximum does not grow
        for j in 0..<n { first[3 * n + j] = -abs(first[3 * n + j]) - 1; second[3 * n + j] = -abs(second[3 * n + j]) - 1 }
        first[3 * n] = 0; first[3 * n + n / 2] = -0.0   // row 3: its maximum is a +0 / -0 tie
        first[4 * n + n / 3] = .nan   // row 4: a NaN score
        let start = OnlineState(out: [Float](repeating: 0, count: rows * n), rowMax: [Float](repeating: 0, count: rows),
                                rowSum: [Float](repeating: 0, count: rows), acc: rng.normals(count: rows * dh))
        var want = start
        Self.definedStep(first, n: n, dh: dh, first: true, &want)
        Self.definedStep(second, n: n, dh: dh, first: false, &want)
        #expect(want.rowMax[3] == 0 || n == 1)
        #expect(want.acc != start.acc)
        for isa in KernelISA.supported {
            var got = start
            Self.onlineStep(isa, first, n: n, dh: dh, first: true, &got)
            Self.onlineStep(isa, second, n: n, dh: dh, first: false, &got)
            #expect(got == want, "\(isa), n \(n)")
        }
    }

    @Test func matchesExpWithinTwoUlpAndClamps() {
        let x: [Float] = stride(from: -20, through: 0, by: 0.001).map { Float($0) } + [-200, 100, -.infinity]
        for isa in KernelISA.supported {
            let (y, sum) = Self.run(isa, x, shift: 0)
            var worst = 0.0, total = 0.0
            for (i, v) in x.prefix(x.count - 3).enumerated() {
                let want = Foundation.exp(Double(v))
                worst = max(worst, abs(Double(y[i]) - want) / want)
                total += Double(y[i])
            }
            #expect(worst < 2.5e-7, "\(isa): worst relative error \(worst)")
            #expect(y[x.count - 3] == Float(Foundation.exp(-87.0)) || abs(Double(y[x.count - 3]) / Foundation.exp(-87.0) - 1) < 1e-6)
            #expect(abs(Double(y[x.count - 2]) / Foundation.exp(88.0) - 1) < 1e-6 && y[x.count - 2].isFinite)
            #expect(y[x.count - 1] > 0 && y[x.count - 1].isFinite)
            #expect(abs(Double(sum) - total - Double(y[x.count - 3]) - Double(y[x.count - 2]) - Double(y[x.count - 1])) / Double(sum) < 1e-5)
            let nan = Self.run(isa, [Float.nan, 1] + [Float](repeating: 0, count: 16), shift: 0)
            #expect(nan.values[0].isNaN && nan.sum.isNaN)
            #expect(abs(nan.values[1] - Float(M_E)) < 1e-6)
        }
    }
}

import CPackedGEMM
import Foundation
import Testing
import TensorCore

/// Attention's softmax exponentials (`spf_softmax_exp`): the same bits and sums on every instruction set this CPU runs,
/// within 2 ulp of `exp`, clamped like SIMDMath.exp, and NaN stays NaN.
@Suite struct SoftmaxExpTests {
    static func run(_ isa: KernelISA, _ x: [Float], shift: Float) -> (values: [Float], sum: Float) {
        var y = [Float](repeating: 0, count: x.count)
        let sum = x.withUnsafeBufferPointer { xs in
            y.withUnsafeMutableBufferPointer { ys in
                spf_softmax_exp(Int32(KernelISA.allCases.firstIndex(of: isa) ?? 0), xs.baseAddress, ys.baseAddress,
                                Int32(x.count), shift)
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

import Foundation
import Testing
import TensorCore

@Suite struct ActivationTests {
    static func geluReference(_ x: Double) -> Double {
        0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))
    }

    /// GELU.forward (C's `spf_gelu`) gives GELU.value's bits element for element, on every instruction set this CPU
    /// runs, 1 or 2 threads, in place or not: a tensor long enough for whole vectors, chunks and a ragged tail, with
    /// the cut at u = -40, signed zeros, infinities and NaN.
    @Test func geluKernelGivesTheScalarDefinitionsBitsOnEveryInstructionSet() {
        var rng = RandomStream(seed: 11)
        var values = rng.normals(count: 9000).enumerated().map { $0.element * [0.1, 1, 4, 40][$0.offset % 4] }
        values += [0, -0.0, -5.2, -5.3, -5.25, -1e-30, 1e-30, .infinity, -.infinity, .nan, 88, -88, 1e20, -1e20]
        // NaN compares as NaN (which NaN payload an operation passes on may follow operand order).
        func bits(_ v: Float) -> UInt32 { v.isNaN ? Float.nan.bitPattern : v.bitPattern }
        let want = values.map { bits(GELU.value($0)) }
        let x = Tensor(zeros: [values.count]); for (i, v) in values.enumerated() { x[flat: i] = v }
        for isa in KernelISA.supported {
            for threads in [1, 2] {
                var context = ComputeContext(threads: threads)
                context.kernelISA = isa
                let y = Tensor(zeros: [values.count])
                GELU.forward(x, into: y, context: context)
                let got = (0..<values.count).map { bits(y[flat: $0]) }
                #expect(got == want, "\(isa), \(threads) threads: \(zip(got, want).filter { $0 != $1 }.count) elements differ")
                let inPlace = Tensor(zeros: [values.count]); inPlace.copy(from: x)
                GELU.forward(inPlace, into: inPlace, context: context)
                #expect((0..<values.count).map { bits(inPlace[flat: $0]) } == want, "\(isa) in place")
            }
        }
    }

    /// GELU(tanh) against a Float64 reference over the whole float range (not just near 0).
    @Test func geluAccurateOverFullRange() {
        var values: [Float] = []
        var v: Float = -30
        while v <= 30 { values.append(v); v += 0.0137 }
        values += [-1e30, -1e10, -200, -90, -10, -1e-20, 0, 1e-20, 1e-3, 10, 90, 200, 1e10, 1e30,
                   Float.greatestFiniteMagnitude, -Float.greatestFiniteMagnitude]
        let x = Tensor(zeros: [values.count]); for (i, v) in values.enumerated() { x[flat: i] = v }
        let y = Tensor(zeros: [values.count])
        GELU.forward(x, into: y, context: ComputeContext(threads: 2))
        var worst = 0.0
        for (i, xv) in values.enumerated() {
            let ref = Self.geluReference(Double(xv))
            let got = Double(y[flat: i])
            #expect(got.isFinite)
            // Relative error where the result is not tiny; absolute error below.
            let err = abs(got - ref) / max(abs(ref), 1e-30)
            if abs(ref) > 1e-6 { worst = max(worst, err) } else { #expect(abs(got - ref) < 1e-6) }
        }
        #expect(worst < 2e-6, "worst relative GELU error \(worst)")
        // Gradients stay finite everywhere and are 0 / 1 far out.
        let ones = Tensor(zeros: [values.count]), dx = Tensor(zeros: [values.count])
        ones.fill(1)
        GELU.backward(ones, input: x, inputGradient: dx, context: .serial)
        #expect(dx.toArray().allSatisfy { $0.isFinite })
        #expect(dx[flat: values.count - 1] == 0 && dx[flat: values.count - 2] == 1)
        SiLU.backward(ones, input: x, inputGradient: dx, context: .serial)
        #expect(dx.toArray().allSatisfy { $0.isFinite })
        SiLU.forward(x, into: y, context: .serial)
        #expect(y.toArray().allSatisfy { $0.isFinite })
    }

    @Test func geluAndSiLUGradients() {
        let x = GradientCheck.random([3, 37], seed: 5, std: 2)
        let w = GradientCheck.random([3, 37], seed: 6)
        let y = Tensor(zeros: [3, 37]), dx = Tensor(zeros: [3, 37])
        let ctx = ComputeContext(threads: 2)
        func geluLoss() -> Double { GELU.forward(x, into: y, context: ctx); return GradientCheck.dot(w, y) }
        GELU.backward(w, input: x, inputGradient: dx, context: ctx)
        #expect(GradientCheck.worst(x, analytic: dx.toArray(), samples: 60, epsilon: 1e-3, loss: geluLoss) <= 1)
        func siluLoss() -> Double { SiLU.forward(x, into: y, context: ctx); return GradientCheck.dot(w, y) }
        SiLU.backward(w, input: x, inputGradient: dx, context: ctx)
        #expect(GradientCheck.worst(x, analytic: dx.toArray(), samples: 60, epsilon: 1e-3, loss: siluLoss) <= 1)
        // SiLU values against the definition.
        SiLU.forward(x, into: y, context: ctx)
        for i in 0..<x.count {
            let xv = Double(x[flat: i])
            #expect(abs(Double(y[flat: i]) - xv / (1 + exp(-xv))) < 1e-6 * (1 + abs(xv)))
        }
    }

    /// GELU's backward fused with the column sums (the next layer's bias gradient) gives the bytes of
    /// the two passes, on 1, 2 and 3 threads (column parts of different widths), with a ragged width.
    @Test(arguments: [(70, 1024), (9, 37), (300, 250)])
    func geluBackwardWithColumnSumsEqualsTwoPasses(rows: Int, columns: Int) {
        let x = GradientCheck.random([rows, columns], seed: 1, std: 3), dy = GradientCheck.random([rows, columns], seed: 2)
        let start = GradientCheck.random([columns], seed: 3)
        let want = Tensor(zeros: [rows, columns]), wantSums = Tensor(zeros: [columns])
        wantSums.copy(from: start)
        GELU.backward(dy, input: x, inputGradient: want, context: .serial)
        ColumnSum.accumulate(want.data, rows: rows, columns: columns, into: wantSums.data, context: .serial)
        for threads in [1, 2, 3] {
            let got = Tensor(zeros: [rows, columns]), sums = Tensor(zeros: [columns])
            got.copy(from: dy)
            sums.copy(from: start)
            GELU.backward(got, input: x, addingColumnSumsInto: sums.data, context: ComputeContext(threads: threads))
            #expect(got.toArray() == want.toArray(), "gradient, \(threads) threads")
            #expect(sums.toArray() == wantSums.toArray(), "column sums, \(threads) threads")
        }
    }

    @Test func modulationAndGatedResidualGradients() {
        let (b, t, d) = (2, 3, 11)
        let x = GradientCheck.random([b, t, d], seed: 1), y = GradientCheck.random([b, t, d], seed: 2)
        let mod = Modulation(GradientCheck.random([b, 3 * d], seed: 3), chunks: 3, width: d)
        let gmod = Modulation(Tensor(zeros: [b, 3 * d]), chunks: 3, width: d)
        let out = Tensor(zeros: [b, t, d]), w = GradientCheck.random([b, t, d], seed: 4)
        let dx = Tensor(zeros: [b, t, d]), dy = Tensor(zeros: [b, t, d])
        let ctx = ComputeContext(threads: 2)
        // out = modulate(x, shift 0, scale 1); then out = out + gate(2) · y.
        func loss() -> Double {
            AdaLN.modulate(x, modulation: mod, shift: 0, scale: 1, into: out, context: ctx)
            AdaLN.gatedResidual(out, y, modulation: mod, gate: 2, into: out, context: ctx)
            return GradientCheck.dot(w, out)
        }
        _ = loss()
        AdaLN.gatedResidualBackward(w, branch: y, modulation: mod, gradient: gmod, gate: 2, branchGradient: dy, context: ctx)
        AdaLN.modulateBackward(w, input: x, modulation: mod, gradient: gmod, shift: 0, scale: 1, inputGradient: dx, context: ctx)
        #expect(GradientCheck.worst(x, analytic: dx.toArray(), loss: loss) <= 1)
        #expect(GradientCheck.worst(y, analytic: dy.toArray(), loss: loss) <= 1)
        #expect(GradientCheck.worst(mod.values, analytic: gmod.values.toArray(), samples: 66, loss: loss) <= 1)
    }

    @Test func residualAdds() {
        let x = GradientCheck.random([19], seed: 1), y = GradientCheck.random([19], seed: 2), o = Tensor(zeros: [19])
        Residual.forward(x, y, into: o, context: .serial)
        for i in 0..<19 { #expect(o[flat: i] == x[flat: i] + y[flat: i]) }
        let d = Tensor(zeros: [19])
        Residual.backward(o, accumulateInto: d, context: .serial)
        #expect(d.toArray() == o.toArray())
    }
}

import Testing
import TensorCore

/// The fused LayerNorm + adaLN kernels give the same bytes as the separate kernels they replace
/// (whose gradients the activation and LayerNorm tests check), on any thread count.
@Suite struct ModulatedLayerNormTests {
    @Test(arguments: [(3, 5, 11, true), (2, 7, 256, true), (4, 3, 37, false), (1, 9, 64, false)])
    func fusedPassesEqualTheSeparateKernels(batch b: Int, tokens t: Int, width d: Int, withBranch: Bool) {
        let norm = LayerNorm(features: d)
        let x = GradientCheck.random([b, t, d], seed: 1, std: 2), branch = GradientCheck.random([b, t, d], seed: 2)
        let mod = Modulation(GradientCheck.random([b, 6 * d], seed: 3), chunks: 6, width: d)
        let g = GradientCheck.random([b, t, d], seed: 4), dIn = GradientCheck.random([b, t, d], seed: 5)
        let (shift, scale, gate) = withBranch ? (3, 4, 2) : (0, 1, 0)

        // The separate kernels, on one thread.
        let ctx1 = ComputeContext.serial
        let resA = Tensor(zeros: [b, t, d]), normedA = Tensor(zeros: [b, t, d]), rstdA = Tensor(zeros: [b * t])
        let modA = Tensor(zeros: [b, t, d])
        if withBranch { AdaLN.gatedResidual(x, branch, modulation: mod, gate: gate, into: resA, context: ctx1) }
        norm.forward(withBranch ? resA : x, into: normedA, rstd: rstdA, context: ctx1)
        AdaLN.modulate(normedA, modulation: mod, shift: shift, scale: scale, into: modA, context: ctx1)
        let gA = Tensor(zeros: [b, t, d]), dxA = Tensor(zeros: [b, t, d]), dbA = Tensor(zeros: [b, t, d])
        gA.copy(from: g)
        dxA.copy(from: dIn)
        let gmA = Modulation(GradientCheck.random([b, 6 * d], seed: 6), chunks: 6, width: d)
        AdaLN.modulateBackward(gA, input: normedA, modulation: mod, gradient: gmA, shift: shift, scale: scale, inputGradient: gA,
                               context: ctx1)
        norm.backward(gA, output: normedA, rstd: rstdA, inputGradient: dxA, accumulate: true, context: ctx1)
        if withBranch {
            AdaLN.gatedResidualBackward(dxA, branch: branch, modulation: mod, gradient: gmA, gate: gate, branchGradient: dbA,
                                        context: ctx1)
        }

        for threads in [1, 2, 3] {
            let ctx = ComputeContext(threads: threads)
            let res = Tensor(zeros: [b, t, d]), normed = Tensor(zeros: [b, t, d]), rstd = Tensor(zeros: [b * t])
            let modulated = Tensor(zeros: [b, t, d])
            ModulatedLayerNorm.forward(x, branch: withBranch ? branch : nil, gate: gate, residual: withBranch ? res : nil,
                                       norm: norm, normed: normed, rstd: rstd, modulation: mod, shift: shift, scale: scale,
                                       modulated: modulated, context: ctx)
            if withBranch { #expect(res.toArray() == resA.toArray(), "residual, \(threads) threads") }
            #expect(normed.toArray() == normedA.toArray(), "normed, \(threads) threads")
            #expect(rstd.toArray() == rstdA.toArray(), "rstd, \(threads) threads")
            #expect(modulated.toArray() == modA.toArray(), "modulated, \(threads) threads")
            let gB = Tensor(zeros: [b, t, d]), dx = Tensor(zeros: [b, t, d]), db = Tensor(zeros: [b, t, d])
            gB.copy(from: g)
            dx.copy(from: dIn)
            let gm = Modulation(GradientCheck.random([b, 6 * d], seed: 6), chunks: 6, width: d)
            ModulatedLayerNorm.backward(gB, normed: normed, rstd: rstd, norm: norm, modulation: mod, gradient: gm, shift: shift,
                                        scale: scale, inputGradient: dx, branch: withBranch ? branch : nil, gate: gate,
                                        branchGradient: withBranch ? db : nil, context: ctx)
            #expect(dx.toArray() == dxA.toArray(), "input gradient, \(threads) threads")
            #expect(gm.values.toArray() == gmA.values.toArray(), "modulation gradient, \(threads) threads")
            if withBranch { #expect(db.toArray() == dbA.toArray(), "branch gradient, \(threads) threads") }
        }
    }
}

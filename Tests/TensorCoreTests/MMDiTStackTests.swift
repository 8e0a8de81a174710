import Testing
import TensorCore

@Suite struct MMDiTStackTests {
    /// Activation checkpointing (one shared activation set, each block recomputed in backward) gives the same
    /// bytes as keeping every block's activations: outputs, input, context and condition gradients, parameter
    /// gradients; and it needs less memory, its backward scratch reusing the activations a block's backward has
    /// consumed (with `F ≥ 3D` also the qkv gradient in the MLP pre-activation), and, given the caller's inputs
    /// (`keptInputs`), recomputing the first block from them instead of a copy.
    @Test(arguments: [1, 2], [2, 4])
    func recomputedBlocksGiveIdenticalGradients(threads: Int, mlpRatio: Int) throws {
        let c = try MMDiTConfiguration(width: 32, heads: 2, mlpRatio: mlpRatio, conditionWidth: 16, hasContext: true)
        var layout = ParameterLayout()
        let stack = try MMDiTStack("blocks", depth: 3, configuration: c, layout: &layout)
        let store = ParameterStore(layout: layout, seed: 3)
        GradientCheck.randomize(store, seed: 4, std: 0.2)
        let (b, th, tc) = (2, 70, 9)
        let latent = GradientCheck.random([b, th, 32], seed: 5), context = GradientCheck.random([b, tc, 32], seed: 6)
        let condition = GradientCheck.random([b, 16], seed: 7), weights = GradientCheck.random([b, th, 32], seed: 8)
        let rotary = RotaryTable(batch: 1, tokens: th + tc, headDim: 16)
        rotary.setPositions(sample: 0, (0..<(th + tc)).map { Float($0 % 12) })
        let ctx = ComputeContext(threads: threads)
        func run(keepsEveryBlock: Bool, inputsKept: Bool = false) -> (values: [[Float]], floats: Int) {
            let ws = Workspace(chunkSize: 1024)
            let buffers = MMDiTStack.Buffers(stack, batch: b, latentTokens: th, contextTokens: tc, workspace: ws,
                                             keepsEveryBlock: keepsEveryBlock, keptInputs: inputsKept ? (latent, context) : nil)
            if !keepsEveryBlock {
                #expect((buffers.latentInput?.data == latent.data) == inputsKept && (buffers.contextInput?.data == context.data) == inputsKept)
            }
            let dLatent = Tensor(zeros: [b, th, 32]), dContext = Tensor(zeros: [b, tc, 32]), dCondition = Tensor(zeros: [b, 16])
            store.zeroGradients()
            stack.forward(latent: latent, context: context, condition: condition, rotary: rotary, buffers: buffers,
                          parameters: store, context: ctx)
            if !keepsEveryBlock, let scratch = buffers.scratch {
                let a = buffers.activations[0]
                #expect(scratch.latent.hidden.data == a.latent.activated.data && scratch.latent.branch.data == a.latent.afterAttention.data)
                #expect(scratch.context?.attention.data == a.context?.projected.data && scratch.latent.normed.data == a.latent.modulated2.data)
                #expect((scratch.latent.qkv.data == a.latent.hidden.data) == (mlpRatio >= 3))
            }
            let out = buffers.latentOutput.toArray()
            dLatent.copy(from: weights)
            stack.backward(latentGradient: dLatent, contextGradient: dContext, condition: condition, conditionGradient: dCondition,
                           rotary: rotary, buffers: buffers, parameters: store, context: ctx)
            return ([out, dLatent.toArray(), dContext.toArray(), dCondition.toArray(), store.gradients.toArray()], ws.capacity)
        }
        let before = latent.toArray() + context.toArray()
        let kept = run(keepsEveryBlock: true), recomputed = run(keepsEveryBlock: false)
        #expect(recomputed.values == kept.values)
        // Recomputing the first block from the caller's own inputs (no copy): the same bytes, less memory, inputs untouched.
        let inPlace = run(keepsEveryBlock: false, inputsKept: true)
        #expect(inPlace.values == kept.values)
        #expect(inPlace.floats < recomputed.floats, "\(inPlace.floats) vs \(recomputed.floats) floats")
        #expect(latent.toArray() + context.toArray() == before)
        #expect(kept.values[4].contains { $0 != 0 })
        #expect(Double(recomputed.floats) < 0.7 * Double(kept.floats), "\(recomputed.floats) vs \(kept.floats) floats")
    }

    /// Forward-only buffers (one activation set, no backward scratch) give the same outputs in less memory.
    @Test func forwardOnlyBuffersGiveTheSameOutputs() throws {
        let c = try MMDiTConfiguration(width: 32, heads: 2, mlpRatio: 2, conditionWidth: 16, hasContext: true)
        var layout = ParameterLayout()
        let stack = try MMDiTStack("blocks", depth: 3, configuration: c, layout: &layout)
        let store = ParameterStore(layout: layout, seed: 3)
        GradientCheck.randomize(store, seed: 4, std: 0.2)
        let latent = GradientCheck.random([2, 40, 32], seed: 5), context = GradientCheck.random([2, 8, 32], seed: 6)
        let condition = GradientCheck.random([2, 16], seed: 7)
        func run(training: Bool) -> (output: [Float], floats: Int) {
            let ws = Workspace(chunkSize: 1024)
            let buffers = MMDiTStack.Buffers(stack, batch: 2, latentTokens: 40, contextTokens: 8, workspace: ws,
                                             keepsEveryBlock: training, backward: training)
            stack.forward(latent: latent, context: context, condition: condition, rotary: nil, buffers: buffers,
                          parameters: store, context: ComputeContext(threads: 2))
            return (buffers.latentOutput.toArray() + (buffers.contextOutput?.toArray() ?? []), ws.capacity)
        }
        let full = run(training: true), forwardOnly = run(training: false)
        #expect(forwardOnly.output == full.output)
        #expect(Double(forwardOnly.floats) < 0.5 * Double(full.floats), "\(forwardOnly.floats) vs \(full.floats) floats")
    }
}

import TensorCore

/// One MM-DiT block with randomised parameters and random inputs (both streams, a condition, rotary positions):
/// what the tests of a single block's forward pass start from.
struct SingleBlockFixture {
    let configuration: MMDiTConfiguration
    let block: MMDiTBlock
    let layout: ParameterLayout
    let store: ParameterStore
    let latent: Tensor, context: Tensor, condition: Tensor
    let rotary: RotaryTable

    /// Parameters from `seed` (randomised N(0, `std`) from `seed + 1`), inputs from `seed + 2 …`, rotary positions
    /// `position(token)` shared by every sample.
    init(_ c: MMDiTConfiguration, batch b: Int, latentTokens th: Int, contextTokens tc: Int, seed: UInt64, std: Float,
         position: (Int) -> Float) throws {
        configuration = c
        var layout = ParameterLayout()
        block = try MMDiTBlock("b", configuration: c, layout: &layout)
        self.layout = layout
        store = ParameterStore(layout: layout, seed: seed)
        GradientCheck.randomize(store, seed: seed + 1, std: std)
        latent = GradientCheck.random([b, th, c.width], seed: seed + 2)
        context = GradientCheck.random([b, tc, c.width], seed: seed + 3)
        condition = GradientCheck.random([b, c.conditionWidth], seed: seed + 4)
        rotary = RotaryTable(batch: 1, tokens: th + tc, headDim: c.headDim)
        rotary.setPositions(sample: 0, (0..<(th + tc)).map(position))
    }

    /// The block's outputs (latent stream, then context stream) for activations allocated with `forwardOnly`, and
    /// the floats those activations took.
    func forward(forwardOnly: Bool = false, threads: Int) -> (latent: Tensor, context: Tensor, floats: Int) {
        let (b, th, tc, d) = (latent.shape[0], latent.shape[1], context.shape[1], configuration.width)
        let ws = Workspace(chunkSize: 1024)
        let a = MMDiTBlock.Activations(block, batch: b, latentTokens: th, contextTokens: tc, workspace: ws, forwardOnly: forwardOnly)
        let floats = ws.used
        let y = Tensor(zeros: [b, th, d]), cy = Tensor(zeros: [b, tc, d])
        block.forward(latentInput: latent, contextInput: context, condition: condition, rotary: rotary, activations: a,
                      latentOutput: y, contextOutput: cy, parameters: store, context: ComputeContext(threads: threads))
        return (y, cy, floats)
    }
}

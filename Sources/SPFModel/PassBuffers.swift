import Foundation
import TensorCore

/// Every tensor one network pass over one batch shape needs: inputs, activations, output and (for
/// training) backward scratch, carved from one ``Workspace`` and reused by later passes of the same
/// shape.
final class PassBuffers: @unchecked Sendable {
    /// What identifies a batch shape.
    struct Key: Hashable {
        var shape: FieldShape
        var historyFrames: Int
        var training: Bool
    }

    /// The workspace the tensors live in.
    let workspace: Workspace
    /// Field tokens `[I, Nf, C·p·p]` (input), target tokens (training) and output.
    let fieldTokens: Tensor, targetTokens: Tensor, output: Tensor
    /// Layer activations.
    let conditioning: ConditioningNetwork.Activations
    let tokens: TokenEmbedding.Activations
    let stack: MMDiTStack.Buffers
    let final: FinalLayer.Activations
    let meanField: MeanFieldHead.Activations?
    /// Backward scratch (nil for sampling passes).
    let gradients: Gradients?

    /// Backward scratch of one pass.
    struct Gradients {
        /// Output gradient `[I, Nf, C·p·p]`: written over the pass's output (``PassBuffers/output``), which nothing
        /// reads once the loss has been taken (``MSELoss/forwardBackward(prediction:target:gradient:scale:context:)``
        /// reads each prediction before it writes that element's gradient).
        let output: Tensor
        /// Conditioning gradient `[I, D]` (accumulated from every consumer of `e`).
        let condition: Tensor
        /// Stream gradients `[I, Nf, D]`, `[I, Nc, D]`.
        let latent: Tensor, context: Tensor
        /// Final-layer scratch: modulation `[I, 2D]`, `[I, D]` (its `[I, Nf, D]` scratch is the final layer's own
        /// `modulated` activation, see ``FinalLayer/backward(_:condition:dCondition:a:dH:dModulation:dSilu:parameters:context:)``).
        let finalModulation: Modulation, finalSilu: Tensor
        /// Conditioning-network scratch `[I, D]`.
        let conditioningScratch: Tensor
        /// Token-embedding scratch.
        let tokens: TokenEmbedding.Scratch
        /// Mean-field head scratch (same shapes as its activations).
        let meanField: MeanFieldHead.Activations?
    }

    /// Allocates for `batch` of a model from `w` (reset first: tensors handed out before become invalid).
    init(_ batch: SPFBatch, model m: MMDiT, training: Bool, workspace w: Workspace) {
        w.reset()
        workspace = w
        let c = m.config, d = c.width, patch = c.channels * c.patchSize * c.patchSize
        let items = batch.items, nf = batch.fieldTokens, nc = batch.contextTokens
        fieldTokens = w.allocate([items, nf, patch])
        targetTokens = w.allocate(training ? [items, nf, patch] : [0])
        output = w.allocate([items, nf, patch])
        conditioning = ConditioningNetwork.Activations(items: items, width: d, workspace: w)
        tokens = TokenEmbedding.Activations(batch, width: d, workspace: w)
        let perBlock = 4 * MMDiTStack.Buffers.blockActivationFloats(tokens: items * (nf + nc), width: d, hidden: c.mlpRatio * d)
        let keepsEveryBlock = training && perBlock * c.depth <= m.activationMemoryLimit
        // The embedding's outputs are the stack's inputs and stay unchanged until backward: recomputing reads them there.
        let kept = (latent: tokens.latent, context: m.stack.configuration.hasContext ? tokens.context : nil)
        stack = MMDiTStack.Buffers(m.stack, batch: items, latentTokens: nf, contextTokens: nc, workspace: w,
                                   keepsEveryBlock: keepsEveryBlock, backward: training, keptInputs: kept)
        final = FinalLayer.Activations(items: items, tokens: nf, width: d, workspace: w)
        meanField = m.meanField == nil ? nil : MeanFieldHead.Activations(batch, config: c, workspace: w)
        if training {
            gradients = Gradients(
                output: output, condition: w.allocate([items, d]),
                latent: w.allocate([items, nf, d]), context: w.allocate([items, nc, d]),
                finalModulation: Modulation(w.allocate([items, 2 * d]), chunks: 2, width: d),
                finalSilu: w.allocate([items, d]), conditioningScratch: w.allocate([items, d]),
                tokens: TokenEmbedding.Scratch(batch, width: d, workspace: w),
                meanField: meanField.map { MeanFieldHead.Activations(gradientsOver: $0, batch, config: c, workspace: w) })
        } else {
            gradients = nil
        }
    }
}

/// A small cache of ``PassBuffers`` by batch shape, safe to use from several threads (each pass
/// takes a set out and gives it back). A pass whose shape has no idle set builds one, reusing the
/// memory of the least recently used idle set once `capacity` sets are idle, so memory stays bounded
/// when shapes vary from step to step (training batches mix stages and item counts).
///
/// The default capacity is one set: a training step's passes (one per stage and timescale group) then
/// run in one workspace, as large as the largest pass, instead of one workspace per recent shape, each
/// grown to the largest shape it served (at 96 × 144 that held 1.4 GiB where one pass needs 0.45 GiB).
/// A pass of a new shape re-carves and zeroes that workspace, which costs a memset of it.
///
/// A workspace that had to grow by more chunks for a larger shape is not kept (its chunks would stay
/// split along the earlier shapes' tensors); new workspaces are made with one chunk as large as the
/// largest pass so far, so once the largest shape has been seen every shape is carved from one chunk.
final class PassBufferPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [(key: PassBuffers.Key, buffers: PassBuffers)] = []
    /// Floats of the largest pass so far.
    private var largestPass = 0
    /// Idle sets kept at most.
    let capacity: Int
    /// Sets built so far (a pass that found no idle set of its shape built one).
    private var built = 0
    var builds: Int {
        lock.lock()
        defer { lock.unlock() }
        return built
    }

    init(capacity: Int = 1) { self.capacity = max(1, capacity) }

    /// The idle set for `key`, or the workspace to build one in: a recycled one that holds `floats` (the set's
    /// ``Workspace/measure(_:)``, asked only then), else a new one of one chunk that does, so no pass carves its
    /// buffers from several chunks (whose unused ends were resident: about 3 of a sampling pass's 10 MiB).
    func take(_ key: PassBuffers.Key, floats: () -> Int) -> (buffers: PassBuffers?, workspace: Workspace) {
        lock.lock()
        defer { lock.unlock() }
        if let i = idle.lastIndex(where: { $0.key == key }) {
            let b = idle.remove(at: i).buffers
            return (b, b.workspace)
        }
        built += 1
        let needed = floats()
        if idle.count >= capacity {
            let recycled = idle.removeFirst().buffers.workspace
            if recycled.capacity >= needed { return (nil, recycled) }
        }
        return (nil, Workspace(chunkSize: max(needed, largestPass)))
    }

    /// Drops the idle sets (their workspaces are unmapped); the next pass maps a workspace of the largest pass's size.
    func releaseIdle() {
        lock.lock()
        defer { lock.unlock() }
        idle.removeAll()
    }

    /// Returns a set for reuse.
    func give(_ buffers: PassBuffers, key: PassBuffers.Key) {
        lock.lock()
        defer { lock.unlock() }
        largestPass = max(largestPass, buffers.workspace.used)
        guard buffers.workspace.chunkCount == 1 else { return }
        idle.append((key, buffers))
    }
}

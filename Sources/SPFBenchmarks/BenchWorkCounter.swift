import Foundation
import SPFModel

/// A velocity field that forwards to a network and counts the work it was asked for: network
/// passes, tokens (field + forcing + history, summed over items and passes) and the multiply–add
/// FLOPs of the backbone's GEMMs (linear layers and attention; embeddings and heads are ignored).
///
/// `spfflow bench sampling` prints the work ratios beside the wall-time ratios: on a CPU the
/// sampling time follows the FLOPs, so the ratio of work done is what the wall-time ratio can reach.
final class BenchWorkCounter: VelocityField, @unchecked Sendable {
    /// The network that computes the velocities.
    let network: MMDiT
    private let lock = NSLock()
    private var passes = 0
    private var tokens = 0
    private var flops = 0.0

    init(_ network: MMDiT) { self.network = network }

    func velocity(_ x: [Float], tau: [Double], context: StageContext) throws -> [Float] {
        let c = network.config, s = context.shape
        let fieldPerFrame = c.fieldTokensPerFrame(stage: context.stage, pyramid: network.pyramid)
        let forcingPerFrame = (c.height / c.forcingPatchSize) * (c.width2D / c.forcingPatchSize)
        let n = s.frames * (fieldPerFrame + forcingPerFrame) + context.historyFrames * fieldPerFrame
        let d = Double(c.width), layers = Double(c.depth)
        // Per token and block: qkv 3d², out d², MLP 2·ratio·d² multiply–adds; attention 2·N·d per token.
        let linear = Double(n) * (4 + 2 * Double(c.mlpRatio)) * d * d
        let attention = 2 * Double(n) * Double(n) * d
        lock.lock()
        passes += 1
        tokens += s.items * n
        flops += 2 * layers * Double(s.items) * (linear + attention)
        lock.unlock()
        return try network.velocity(x, tau: tau, context: context)
    }

    /// Work counted since the last reset: (passes, tokens, GFLOP), then zeroed.
    func take() -> (passes: Int, tokens: Int, gflop: Double) {
        lock.lock()
        defer { passes = 0; tokens = 0; flops = 0; lock.unlock() }
        return (passes, tokens, flops / 1e9)
    }
}

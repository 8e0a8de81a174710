import Dispatch
import Foundation
import SPFModel
import TensorCore

/// `sampling_gemm_share_stage<k>` of `spfflow bench scaling`: how close the sampler's network passes at
/// stage k come to cblas_sgemm's rate; and `sampling_products_vs_sgemm_stage<k>`, how close its matrix
/// products alone come, which tells the two causes of a low share apart.
///
/// One stage's velocity evaluation for a block of members (what one solver step of an `spf.stage`
/// node computes) is timed; its GEMM work is the backbone's and the embeddings', final layer's and
/// mean-field head's products, with every weight applied to the rows of all members at once. The
/// reference is cblas_sgemm alone on exactly that work, each weight's product as one call (the best
/// of OpenBLAS's threads and row blocks per shape) and attention per (member, head) as whole
/// `T × T` products.
/// - `share` = reference time / pass time (the figure): 1 means the sampler runs its GEMM work at
///   cblas_sgemm's rate with no overhead; small per-chunk products (weights repacked per call) and
///   non-GEMM work (softmax exponentials, norms, GELU, gathers) lower it.
/// - `productShare` = reference time / time inside the pass's own products, timed by a ``GEMMClock``:
///   the linears' and heads' products by their wall time (each uses both threads), attention's score
///   tile products by their time on the worker that runs them, over the thread count (the workers run
///   their own (member, head) items side by side). Only how the products are cut (row blocks, score
///   tiles, per-chunk calls) lowers it.
enum SamplingGEMMShare {
    struct Result {
        var passMs: Double, gemmMs: Double, sgemmMs: Double, gflop: Double, items: Int, tokensPerItem: Int
        /// Median over the (pass, replay) pairs of replay time / pass time: each pair ran back to back, so
        /// the share holds up when other processes load the machine.
        var share: Double
        /// Median over the pairs of replay time / time inside the pass's products.
        var productShare: Double
    }

    /// Keeps the calling thread busy for `seconds`.
    static func spin(seconds: Double) {
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        while DispatchTime.now().uptimeNanoseconds < end {}
    }

    /// The GEMM work of one velocity evaluation of `items` items of `frames` frames at `stage`.
    static func shapes(_ c: MMDiTConfig, pyramid p: PyramidConfig, stage: Int, items: Int, frames: Int) throws -> [GEMMShape] {
        let nf = frames * c.fieldTokensPerFrame(stage: stage, pyramid: p)
        let nfc = frames * (c.height / c.forcingPatchSize) * (c.width2D / c.forcingPatchSize)
        let block = try MMDiTConfiguration(width: c.width, heads: c.heads, mlpRatio: c.mlpRatio, conditionWidth: c.width,
                                           hasContext: true, qkNorm: true)
        var layout = ParameterLayout()
        let stack = try MMDiTStack("blocks", depth: c.depth, configuration: block, layout: &layout)
        var list = stack.trainingStepGEMMs(batch: items, latentTokens: nf, contextTokens: nfc).filter { $0.phase == .forward }
        let patch = c.channels * c.patchSize * c.patchSize
        list.append(GEMMShape(m: items * nf, n: c.width, k: patch, transposeB: true, phase: .forward))  // field_embed
        list.append(GEMMShape(m: items * nfc, n: c.width, k: c.forcingPixelChannels * c.forcingPatchSize * c.forcingPatchSize,
                              transposeB: true, phase: .forward))  // forcing_embed
        list.append(GEMMShape(m: items * nf, n: patch, k: c.width, transposeB: true, phase: .forward))  // final.out
        if c.meanFieldHead {
            list.append(GEMMShape(m: items * frames, n: c.channels * c.height * c.width2D, k: c.width, transposeB: true,
                                  phase: .forward))  // mean_field
        }
        return list
    }

    /// Times `repeats` velocity evaluations of `members` items at `stage` (path D→Y→M) and the reference;
    /// `model` must have been built with `clock`.
    static func measure(model: MMDiT, clock: GEMMClock, stage: Int, members: Int, threads: Int, repeats: Int) throws -> Result {
        let c = model.config, p = model.pyramid
        let path = try p.path(for: .monthly)
        let timescale = path.timescale(stage: stage, in: p)
        let frames = TrainingExampleBuilder(pyramid: p, decadeOriginYear: 2015).window(stage: stage, path: path).frames
        let (h, w) = p.grid(stage: stage)
        let shape = FieldShape(items: members, frames: frames, channels: c.channels, height: h, width: w)
        let months = 40 * 12
        var global = [Float](repeating: 0, count: months * c.globalForcingChannels)
        for i in global.indices { global[i] = Float(i % 97) / 97 }
        let forcing = try ForcingSeries(startYear: 2015, months: months, griddedChannels: 0, height: c.height, width: c.width2D,
                                        gridded: [], globalChannels: c.globalForcingChannels, global: global)
        let context = StageContext.build(stage: stage, timescale: timescale, path: path, shape: shape,
                                         frameStart: Array(repeating: 2030 * 12, count: members),
                                         source: Array(repeating: 0, count: members), forcing: forcing)
        var rng = RandomStream(seed: 4)
        let x = rng.normals(count: shape.count), tau = Array(repeating: 0.5, count: members)
        let list = try shapes(c, pyramid: p, stage: stage, items: members, frames: frames)
        let replay = SGEMMReplay(shapes: list, context: ComputeContext(threads: threads))
        _ = try model.velocity(x, tau: tau, context: context)
        var passes: [Double] = [], gemms: [Double] = [], references: [Double] = []
        for _ in 0..<max(repeats, 1) {
            // Each side starts once the other's idle threads have stopped polling: OpenBLAS's poll (sched_yield) for
            // 2^28 cycles (about 0.1 s) after a threaded call, the context's workers for 0.1 ms, and either would
            // otherwise take a share of the cores from the side being timed. The wait spins, so the calling core does not
            // idle into a slower state before the timed side starts.
            Self.spin(seconds: 0.15)
            clock.reset()
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try model.velocity(x, tau: tau, context: context)
            passes.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            gemms.append(clock.wallSeconds(threads: model.computeContext.threads) * 1e3)
            Self.spin(seconds: 0.01)
            references.append(replay.replay())
        }
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        let tokens = frames * (c.fieldTokensPerFrame(stage: stage, pyramid: p) + (c.height / c.forcingPatchSize) * (c.width2D / c.forcingPatchSize))
        return Result(passMs: median(passes), gemmMs: median(gemms), sgemmMs: median(references),
                      gflop: list.reduce(0) { $0 + $1.flops } / 1e9, items: members, tokensPerItem: tokens,
                      share: median(zip(references, passes).map { $0 / $1 }),
                      productShare: median(zip(references, gemms).map { $0 / $1 }))
    }
}

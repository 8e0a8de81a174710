import Foundation
import TensorCore

/// The constant inputs of one network pass over `items` items that share a stage shape: token
/// counts, patches of forcings and history, fixed position embeddings, the temporal rotary table,
/// the flow-time embedding, embedding indices, pooled global forcing and mean-field weights.
///
/// Token layout per item: field tokens (frame, patch row, patch column); context tokens are the
/// forcing tokens (frame, row, column on the full grid) followed by the history tokens. The joint
/// attention sees field tokens first, then context tokens (the rotary table follows that order).
struct SPFBatch {
    /// Items `I`.
    let items: Int
    /// Frames per item `T`.
    let frames: Int
    /// Latent shape `[I, T, C, h, w]`.
    let shape: FieldShape
    /// Field tokens per item `Nf = T·(h/p)·(w/p)`.
    let fieldTokens: Int
    /// Forcing tokens per frame `(H/pf)·(W/pf)` and per item `Nfc = T·that`.
    let forcingTokensPerFrame: Int, forcingTokens: Int
    /// History tokens per item (0 without a history stream).
    let historyTokens: Int
    /// Context tokens per item `Nc = Nfc + Nh`.
    var contextTokens: Int { forcingTokens + historyTokens }
    /// Field patching at the token grid (`[I, T, C, r·h, r·w]` ↔ `[I, Nf, C·p·p]`).
    let fieldPatching: Patchify
    /// The latent on the token grid, `[I, T, C, r·h, r·w]` (the latent shape when `r` = 1).
    let tokenShape: FieldShape
    /// Stage grid → token grid (nearest neighbour) and back (block mean); nil when `r` = 1.
    let tokenGridResampling: Resampling?
    /// Forcing patches `[I, Nfc, Cf·pf·pf]` (gridded, broadcast global, month phase sin/cos).
    let forcingPatches: Tensor
    /// History patches `[I, Nh, C·p·p]` (nil without history).
    let historyPatches: Tensor?
    /// 2-D sin-cos positions of one item's field, forcing and history tokens, `[N, D]`.
    let fieldPositions: Tensor, forcingPositions: Tensor, historyPositions: Tensor?
    /// Rotary angles over physical month time, `[1, Nf + Nc, Dh/2]`.
    let rotary: RotaryTable
    /// Sinusoidal embedding of 1000·τ, `[I, 256]`.
    let timeEmbedding: Tensor
    /// Stage, timescale (repeated per item) and source-model indices, `[I]` each.
    let stageIndices: [Int], timescaleIndices: [Int], sourceIndices: [Int]
    /// Global forcing averaged over each item's frames, `[I, max(G, 1)]`.
    let globalMean: Tensor
    /// Mean-field head weight `1 − τ` per item.
    let meanFieldWeights: [Float]
    /// Block mean from the full grid to the token grid (mean-field head).
    let meanFieldResampling: Resampling

    /// Width of the flow-time embedding.
    static let timeDim = 256

    /// Validates `context` against the model and builds the inputs for flow times `tau` (`[I]`).
    init(tau: [Double], context: StageContext, config c: MMDiTConfig, pyramid: PyramidConfig) throws {
        let s = context.shape, d = c.width, p = c.patchSize, pf = c.forcingPatchSize
        guard tau.count == s.items, s.items > 0 else {
            throw SPFModelError(.shapeMismatch, "\(tau.count) flow times for \(s.items) items")
        }
        guard s.channels == c.channels else { throw SPFModelError(.shapeMismatch, "latent has \(s.channels) channels, model \(c.channels)") }
        guard context.forcingGriddedChannels == c.griddedForcingChannels, context.forcingGlobalChannels == c.globalForcingChannels else {
            throw SPFModelError(.shapeMismatch, "forcing has \(context.forcingGriddedChannels) gridded / \(context.forcingGlobalChannels) global channels, model expects \(c.griddedForcingChannels) / \(c.globalForcingChannels)")
        }
        guard context.source.count == s.items, context.frameStart.count == s.items else {
            throw SPFModelError(.shapeMismatch, "context has \(context.source.count) sources / \(context.frameStart.count) frame starts for \(s.items) items")
        }
        for src in context.source where src < 0 || src >= c.sources {
            throw SPFModelError(.invalidConfiguration, "source index \(src) outside 0..<\(c.sources)")
        }
        guard context.stage >= 0, context.stage < c.stages else {
            throw SPFModelError(.invalidConfiguration, "stage \(context.stage) outside 0..<\(c.stages)")
        }
        let (fh, fw) = pyramid.cumulativeSpatialFactor(stage: context.stage)
        guard s.frames > 0, s.height * fh == c.height, s.width * fw == c.width2D else {
            throw SPFModelError(.shapeMismatch, "latent grid \(s.height)x\(s.width) is not stage \(context.stage) of the pyramid")
        }
        let plane = c.height * c.width2D
        guard context.forcingGridded.count == s.items * s.frames * c.griddedForcingChannels * plane,
              context.forcingGlobal.count == s.items * s.frames * c.globalForcingChannels else {
            throw SPFModelError(.shapeMismatch, "forcing arrays do not match \(s.items) items of \(s.frames) frames")
        }
        guard (context.historyFrames > 0) == c.historyStream else {
            throw SPFModelError(.invalidConfiguration, "history frames \(context.historyFrames) given to a model with historyStream \(c.historyStream)")
        }
        let hFrames = context.historyFrames
        let hShape = FieldShape(items: s.items, frames: hFrames, channels: s.channels, height: s.height, width: s.width)
        guard context.history.count == hShape.count else {
            throw SPFModelError(.shapeMismatch, "history has \(context.history.count) values, expected \(hShape.dims)")
        }
        let r = c.tokenGridFactor(stage: context.stage, pyramid: pyramid)
        let ts = FieldShape(items: s.items, frames: s.frames, channels: s.channels, height: s.height * r, width: s.width * r)
        do {
            fieldPatching = try Patchify(time: s.frames, channels: s.channels, height: ts.height, width: ts.width,
                                         patchHeight: p, patchWidth: p)
            meanFieldResampling = try Resampling(heightFactor: fh / r, widthFactor: fw / r)
            tokenGridResampling = r > 1 ? try Resampling(heightFactor: r, widthFactor: r) : nil
        } catch {
            throw SPFModelError(.shapeMismatch, "stage grid \(s.height)x\(s.width) does not tile into patches of \(p): \(error)")
        }
        tokenShape = ts
        let nh = ts.height / p, nw = ts.width / p, perFrame = nh * nw
        let fnh = c.height / pf, fnw = c.width2D / pf, fPerFrame = fnh * fnw
        let nf = s.frames * perFrame, nfc = s.frames * fPerFrame, nhist = hFrames * perFrame
        items = s.items
        frames = s.frames
        shape = s
        fieldTokens = nf
        forcingTokensPerFrame = fPerFrame
        forcingTokens = nfc
        historyTokens = nhist
        let months = context.timescale.months

        // Fixed 2-D positions (token centres in full-resolution field-token units), one item's worth.
        func grid(rows: Int, cols: Int, step: (Double, Double), frames: Int) -> Tensor {
            let t = Tensor(zeros: [frames * rows * cols, d])
            var ys: [Float] = [], xs: [Float] = []
            for _ in 0..<frames {
                for r in 0..<rows {
                    for col in 0..<cols {
                        ys.append(Float((Double(r) + 0.5) * step.0))
                        xs.append(Float((Double(col) + 0.5) * step.1))
                    }
                }
            }
            SinusoidalEmbedding.grid(rows: ys, columns: xs, into: t)
            if c.positionScale != 1 { for i in 0..<t.count { t[flat: i] *= c.positionScale } }
            return t
        }
        let tokenStep = (Double(fh) / Double(r), Double(fw) / Double(r))
        fieldPositions = grid(rows: nh, cols: nw, step: tokenStep, frames: s.frames)
        let fstep = Double(pf) / Double(p)
        forcingPositions = grid(rows: fnh, cols: fnw, step: (fstep, fstep), frames: s.frames)
        historyPositions = hFrames > 0 ? grid(rows: nh, cols: nw, step: tokenStep, frames: hFrames) : nil

        // Forcing patches: gridded channels, broadcast global channels, month phase.
        let pc = c.forcingPixelChannels, vec = pc * pf * pf, cg = c.griddedForcingChannels, cgl = c.globalForcingChannels
        let fp = Tensor(zeros: [s.items, nfc, vec])
        // Row by row of each patch: a gridded channel's pf values are contiguous in the field, a global channel and the
        // month phase are one value each (the same floats as element by element).
        let out = fp.data
        context.forcingGridded.withUnsafeBufferPointer { gridded in
            let field = gridded.baseAddress  // nil only without gridded channels (the count was checked above)
            for i in 0..<s.items {
                for t in 0..<s.frames {
                    let centre = Double(context.frameStart[i]) + (Double(t) + 0.5) * Double(months)
                    let phase = (centre.truncatingRemainder(dividingBy: 12) + 12).truncatingRemainder(dividingBy: 12) / 12
                    let ps = Float(Foundation.sin(2 * Double.pi * phase)), pcn = Float(Foundation.cos(2 * Double.pi * phase))
                    let frame = i * s.frames + t
                    for ty in 0..<fnh {
                        for tx in 0..<fnw {
                            let patch = out + ((frame * fnh + ty) * fnw + tx) * vec
                            for ch in 0..<pc {
                                let dst = patch + ch * pf * pf
                                if ch < cg {
                                    guard let field else { continue }
                                    for py in 0..<pf {
                                        let src = (frame * cg + ch) * plane + (ty * pf + py) * c.width2D + tx * pf
                                        (dst + py * pf).update(from: field + src, count: pf)
                                    }
                                } else {
                                    let val = ch < cg + cgl ? context.forcingGlobal[frame * cgl + ch - cg] : (ch == pc - 2 ? ps : pcn)
                                    dst.update(repeating: val, count: pf * pf)
                                }
                            }
                        }
                    }
                }
            }
        }
        forcingPatches = fp
        if hFrames > 0 {
            let hp = try Patchify(time: hFrames, channels: s.channels, height: ts.height, width: ts.width, patchHeight: p, patchWidth: p)
            var field = try Tensor(shape: hShape.dims, values: context.history)
            if let up = tokenGridResampling {
                let fine = Tensor(zeros: [s.items, hFrames, s.channels, ts.height, ts.width])
                up.upsample(field, into: fine, context: .serial)
                field = fine
            }
            let tokens = Tensor(zeros: [s.items, nhist, s.channels * p * p])
            hp.patchify(field, into: tokens, context: .serial)
            historyPatches = tokens
        } else {
            historyPatches = nil
        }

        // Rotary angles over physical time (months from the item's first frame; history before it):
        // field tokens, then forcing tokens, then history tokens.
        var positions: [Float] = []
        positions.reserveCapacity(nf + nfc + nhist)
        for t in 0..<s.frames { positions += repeatElement(Float((Double(t) + 0.5) * Double(months)), count: perFrame) }
        for t in 0..<s.frames { positions += repeatElement(Float((Double(t) + 0.5) * Double(months)), count: fPerFrame) }
        for t in 0..<hFrames {
            positions += repeatElement(Float((Double(t) + 0.5 - Double(hFrames)) * Double(months)), count: perFrame)
        }
        let table = RotaryTable(batch: 1, tokens: positions.count, headDim: d / c.heads)
        table.setPositions(sample: 0, positions)
        rotary = table

        let time = Tensor(zeros: [s.items, Self.timeDim])
        SinusoidalEmbedding.timestep(tau.map { Float($0 * 1000) }, into: time)
        timeEmbedding = time
        stageIndices = Array(repeating: context.stage, count: s.items)
        timescaleIndices = Array(repeating: context.timescale.embeddingIndex, count: s.items)
        sourceIndices = context.source
        let g = max(cgl, 1)
        let mean = Tensor(zeros: [s.items, g])
        if cgl > 0 {
            for i in 0..<s.items {
                for t in 0..<s.frames {
                    for k in 0..<cgl {
                        mean[flat: i * g + k] += context.forcingGlobal[(i * s.frames + t) * cgl + k] / Float(s.frames)
                    }
                }
            }
        }
        globalMean = mean
        meanFieldWeights = tau.map { Float(1 - $0) }
    }
}

import Foundation

/// The SPF MM-DiT backbone: a field-token stream and a forcing-token stream with joint attention,
/// QK-RMSNorm, temporal RoPE over physical time, 2-D sin-cos spatial positions consistent across stages,
/// adaLN-Zero driven by flow time + stage + timescale + source-model (+ pooled global forcing) embeddings,
/// final adaLN + linear + unpatchify; plus the prototype's per-token conditioning and mean-field head.
public final class MMDiT: VelocityField, @unchecked Sendable {
    /// Backbone configuration.
    public let config: MMDiTConfig
    /// The pyramid the model serves.
    public let pyramid: PyramidConfig
    /// Trainable parameters.
    public let params: ParameterSet
    /// Items evaluated together in one sampling forward pass (bounds memory).
    public let itemsPerChunk: Int
    static let timeDim = 256

    /// Builds and initialises a model (Xavier-uniform linears, zero adaLN/output/mean-field head, N(0, 0.02) embeddings).
    public init(config: MMDiTConfig, pyramid: PyramidConfig, seed: UInt64, itemsPerChunk: Int = 16) throws {
        try pyramid.validate()
        try config.validate(against: pyramid)
        self.config = config
        self.pyramid = pyramid
        self.itemsPerChunk = max(1, itemsPerChunk)
        params = ParameterSet()
        let rng = PhiloxRandom(seed: seed)
        var counter = 0
        func xavier(_ name: String, _ fin: Int, _ fout: Int) {
            counter += 1
            let limit = Float((6.0 / Double(fin + fout)).squareRoot())
            let u = rng.uniforms(stream: PhiloxRandom.streamID([counter, 0x1A17]), count: fin * fout)
            params.add(name + ".w", rows: fin, cols: fout, values: u.map { Float($0 * 2 - 1) * limit })
            params.add(name + ".b", rows: 1, cols: fout, values: [Float](repeating: 0, count: fout))
        }
        func zeros(_ name: String, _ fin: Int, _ fout: Int) {
            params.add(name + ".w", rows: fin, cols: fout, values: [Float](repeating: 0, count: fin * fout))
            params.add(name + ".b", rows: 1, cols: fout, values: [Float](repeating: 0, count: fout))
        }
        func normal(_ name: String, _ rows: Int, _ cols: Int, std: Float) {
            counter += 1
            let z = rng.normals(stream: PhiloxRandom.streamID([counter, 0x1A17]), count: rows * cols)
            params.add(name, rows: rows, cols: cols, values: z.map { $0 * std })
        }
        let d = config.width, p = config.patchSize, pf = config.forcingPatchSize
        xavier("field_embed", config.channels * p * p, d)
        xavier("forcing_embed", config.forcingPixelChannels * pf * pf, d)
        normal("time_mlp1.w", Self.timeDim, d, std: 0.02)
        params.add("time_mlp1.b", rows: 1, cols: d, values: [Float](repeating: 0, count: d))
        normal("time_mlp2.w", d, d, std: 0.02)
        params.add("time_mlp2.b", rows: 1, cols: d, values: [Float](repeating: 0, count: d))
        normal("stage_embed", config.stages, d, std: 0.02)
        normal("timescale_embed", Timescale.allCases.count, d, std: 0.02)
        normal("source_embed", config.sources, d, std: 0.02)
        xavier("global_forcing_proj", max(config.globalForcingChannels, 1), d)
        if config.conditionEveryToken { xavier("token_cond", d, d) }
        if config.historyStream { xavier("history_embed", config.channels * p * p, d) }
        for l in 0..<config.depth {
            for s in ["x", "c"] {
                zeros("block\(l).\(s).mod", d, 6 * d)
                xavier("block\(l).\(s).qkv", d, 3 * d)
                xavier("block\(l).\(s).out", d, d)
                xavier("block\(l).\(s).fc1", d, config.mlpRatio * d)
                xavier("block\(l).\(s).fc2", config.mlpRatio * d, d)
            }
        }
        zeros("final.mod", d, 2 * d)
        zeros("final.out", d, config.channels * p * p)
        if config.meanFieldHead { zeros("mean_field", d, config.channels * config.height * config.width2D) }
    }

    /// Parameter count.
    public var parameterCount: Int { params.count }

    /// Constant inputs of one forward pass for a batch of items sharing `context.shape`.
    struct Prepared {
        var items: Int
        var fieldTokensPerItem: Int
        var forcingTokensPerItem: Int
        var fieldPos: [Float]
        var forcingPos: [Float]
        var forcingPatches: [Float]
        var ropeCos: [Float]
        var ropeSin: [Float]
        var timeIn: [Float]
        var globalMean: [Float]
        var stage: Int
        var timescale: Int
        var sources: [Int]
        var meanFieldMap: [Int32]
        var meanFieldGroup: Int
        var meanFieldWeight: [Float]
        var frames: Int
        var forcingTokensPerFrame: Int
        var historyTokensPerItem: Int
        var historyPatches: [Float]
        var historyPos: [Float]
    }

    func prepare(tau: [Double], context: StageContext) throws -> Prepared {
        let s = context.shape, c = config, d = c.width, p = c.patchSize, pf = c.forcingPatchSize
        guard s.channels == c.channels else { throw SPFModelError(.shapeMismatch, "latent has \(s.channels) channels, model \(c.channels)") }
        guard context.forcingGriddedChannels == c.griddedForcingChannels, context.forcingGlobalChannels == c.globalForcingChannels else {
            throw SPFModelError(.shapeMismatch, "forcing has \(context.forcingGriddedChannels) gridded / \(context.forcingGlobalChannels) global channels, model expects \(c.griddedForcingChannels) / \(c.globalForcingChannels)")
        }
        for src in context.source where src < 0 || src >= c.sources {
            throw SPFModelError(.invalidConfiguration, "source index \(src) outside 0..<\(c.sources)")
        }
        let (fh, fw) = pyramid.cumulativeSpatialFactor(stage: context.stage)
        guard s.height * fh == c.height, s.width * fw == c.width2D else {
            throw SPFModelError(.shapeMismatch, "latent grid \(s.height)x\(s.width) is not stage \(context.stage) of the pyramid")
        }
        let nh = s.height / p, nw = s.width / p, perFrame = nh * nw
        let fnh = c.height / pf, fnw = c.width2D / pf, fPerFrame = fnh * fnw
        let nf = s.frames * perFrame, nc = s.frames * fPerFrame
        guard (context.historyFrames > 0) == c.historyStream else {
            throw SPFModelError(.invalidConfiguration, "history frames \(context.historyFrames) given to a model with historyStream \(c.historyStream)")
        }
        let hFrames = context.historyFrames, nhist = hFrames * perFrame
        let hShape = FieldShape(items: s.items, frames: hFrames, channels: s.channels, height: s.height, width: s.width)
        guard context.history.count == hShape.count else {
            throw SPFModelError(.shapeMismatch, "history has \(context.history.count) values, expected \(hShape.dims)")
        }
        let posFrame = FieldTokenizer.sinCos2D(rows: nh, cols: nw, d: d, rowStep: Double(fh), colStep: Double(fw), amplitude: c.positionScale)
        let fposFrame = FieldTokenizer.sinCos2D(rows: fnh, cols: fnw, d: d, rowStep: Double(pf) / Double(p),
                                                colStep: Double(pf) / Double(p), amplitude: c.positionScale)
        var fieldPos = [Float](), forcingPos = [Float]()
        fieldPos.reserveCapacity(s.items * nf * d)
        for _ in 0..<(s.items * s.frames) { fieldPos.append(contentsOf: posFrame) }
        for _ in 0..<(s.items * s.frames) { forcingPos.append(contentsOf: fposFrame) }
        var historyPos = [Float]()
        for _ in 0..<(s.items * hFrames) { historyPos.append(contentsOf: posFrame) }
        // Forcing patches: gridded channels, broadcast global channels, month phase.
        let pc = c.forcingPixelChannels, vec = pc * pf * pf
        let plane = c.height * c.width2D
        var fp = [Float](repeating: 0, count: s.items * nc * vec)
        let months = context.timescale.months
        for i in 0..<s.items {
            for t in 0..<s.frames {
                let centre = Double(context.frameStart[i]) + (Double(t) + 0.5) * Double(months)
                let phase = (centre.truncatingRemainder(dividingBy: 12) + 12).truncatingRemainder(dividingBy: 12) / 12
                let ps = Float(sin(2 * Double.pi * phase)), pcn = Float(cos(2 * Double.pi * phase))
                for ty in 0..<fnh {
                    for tx in 0..<fnw {
                        let tok = ((i * s.frames + t) * fnh + ty) * fnw + tx
                        for ch in 0..<pc {
                            for py in 0..<pf {
                                for px in 0..<pf {
                                    let val: Float
                                    if ch < c.griddedForcingChannels {
                                        val = context.forcingGridded[((i * s.frames + t) * c.griddedForcingChannels + ch) * plane
                                                                     + (ty * pf + py) * c.width2D + tx * pf + px]
                                    } else if ch < c.griddedForcingChannels + c.globalForcingChannels {
                                        val = context.forcingGlobal[(i * s.frames + t) * c.globalForcingChannels + ch - c.griddedForcingChannels]
                                    } else {
                                        val = ch == pc - 2 ? ps : pcn
                                    }
                                    fp[tok * vec + (ch * pf + py) * pf + px] = val
                                }
                            }
                        }
                    }
                }
            }
        }
        // RoPE over physical time (months since the item's first frame start), forcing rows then field rows.
        let dh = d / c.heads, half = dh / 2
        var rc = [Float](), rs = [Float]()
        rc.reserveCapacity(s.items * (nc + nf) * half)
        rs.reserveCapacity(s.items * (nc + nf) * half)
        let freqs = (0..<half).map { 1 / pow(10_000.0, Double(2 * $0) / Double(dh)) }
        for _ in 0..<s.items {
            for stream in 0..<3 {
                let per = stream == 0 ? fPerFrame : perFrame
                let frames = stream == 1 ? hFrames : s.frames
                for t in 0..<frames {
                    let pos = (Double(t) + 0.5 - (stream == 1 ? Double(hFrames) : 0)) * Double(months)
                    let cs = freqs.map { Float(cos(pos * $0)) }, sn = freqs.map { Float(sin(pos * $0)) }
                    for _ in 0..<per {
                        rc.append(contentsOf: cs)
                        rs.append(contentsOf: sn)
                    }
                }
            }
        }
        var timeIn = [Float]()
        for t in tau { timeIn.append(contentsOf: FieldTokenizer.timestepEmbedding(t * 1000, dim: Self.timeDim)) }
        let g = max(c.globalForcingChannels, 1)
        var gm = [Float](repeating: 0, count: s.items * g)
        if c.globalForcingChannels > 0 {
            for i in 0..<s.items {
                for t in 0..<s.frames {
                    for k in 0..<c.globalForcingChannels {
                        gm[i * g + k] += context.forcingGlobal[(i * s.frames + t) * c.globalForcingChannels + k] / Float(s.frames)
                    }
                }
            }
        }
        // Mean-field head map: full-res head output per frame → stage grid block means → token layout.
        var map = [Int32]()
        let group = fh * fw
        if c.meanFieldHead {
            map.reserveCapacity(s.items * nf * c.channels * p * p * group)
            for i in 0..<s.items {
                for t in 0..<s.frames {
                    let frameBase = (i * s.frames + t) * c.channels * plane
                    for ty in 0..<nh {
                        for tx in 0..<nw {
                            for ch in 0..<c.channels {
                                for py in 0..<p {
                                    for px in 0..<p {
                                        let sy = ty * p + py, sx = tx * p + px
                                        for a in 0..<fh {
                                            for b in 0..<fw {
                                                map.append(Int32(frameBase + ch * plane + (sy * fh + a) * c.width2D + sx * fw + b))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Prepared(items: s.items, fieldTokensPerItem: nf, forcingTokensPerItem: nc, fieldPos: fieldPos, forcingPos: forcingPos,
                        forcingPatches: fp, ropeCos: rc, ropeSin: rs, timeIn: timeIn, globalMean: gm, stage: context.stage,
                        timescale: context.timescale.embeddingIndex, sources: context.source, meanFieldMap: map,
                        meanFieldGroup: group, meanFieldWeight: tau.map { Float(1 - $0) },
                        frames: s.frames, forcingTokensPerFrame: fPerFrame, historyTokensPerItem: nhist,
                        historyPatches: hFrames > 0 ? FieldTokenizer.patchify(context.history, hShape, patch: p) : [],
                        historyPos: historyPos)
    }

    func lin(_ g: Graph, _ x: Variable, _ name: String) -> Variable { g.linear(x, params[name + ".w"], params[name + ".b"]) }

    /// Forward pass on field tokens [I·Nf, C·p·p] → velocity tokens [I·Nf, C·p·p].
    func forward(_ g: Graph, fieldTokens: [Float], _ pr: Prepared) -> Variable {
        let c = config, d = c.width, items = pr.items, nf = pr.fieldTokensPerItem
        let nc = pr.forcingTokensPerItem + pr.historyTokensPerItem
        let xin = g.constant(fieldTokens, rows: items * nf, cols: c.channels * c.patchSize * c.patchSize)
        let fin = g.constant(pr.forcingPatches, rows: items * pr.forcingTokensPerItem, cols: c.forcingPixelChannels * c.forcingPatchSize * c.forcingPatchSize)
        var h = g.add(lin(g, xin, "field_embed"), g.constant(pr.fieldPos, rows: items * nf, cols: d))
        let forcingEmbedded = g.add(lin(g, fin, "forcing_embed"), g.constant(pr.forcingPos, rows: items * pr.forcingTokensPerItem, cols: d))
        var cs = forcingEmbedded
        if pr.historyTokensPerItem > 0 {
            let hin = g.constant(pr.historyPatches, rows: items * pr.historyTokensPerItem, cols: c.channels * c.patchSize * c.patchSize)
            let he = g.add(lin(g, hin, "history_embed"), g.constant(pr.historyPos, rows: items * pr.historyTokensPerItem, cols: d))
            cs = g.concatGroups(forcingEmbedded, he, groups: items)
        }
        // Conditioning vector e [I, d].
        let tin = g.constant(pr.timeIn, rows: items, cols: Self.timeDim)
        var e = lin(g, g.silu(lin(g, tin, "time_mlp1")), "time_mlp2")
        e = g.add(e, g.embedding(params["stage_embed"], indices: Array(repeating: pr.stage, count: items)))
        e = g.add(e, g.embedding(params["timescale_embed"], indices: Array(repeating: pr.timescale, count: items)))
        e = g.add(e, g.embedding(params["source_embed"], indices: pr.sources))
        e = g.add(e, lin(g, g.constant(pr.globalMean, rows: items, cols: max(c.globalForcingChannels, 1)), "global_forcing_proj"))
        if c.conditionEveryToken {
            let tc = lin(g, e, "token_cond")
            h = g.addBroadcast(h, tc, rowsPerGroup: nf)
            cs = g.addBroadcast(cs, tc, rowsPerGroup: nc)
        }
        let ce = g.silu(e)
        for l in 0..<c.depth {
            let mx = lin(g, ce, "block\(l).x.mod"), mc = lin(g, ce, "block\(l).c.mod")
            let hx = g.modulate(g.layerNorm(h), mx, shiftChunk: 0, scaleChunk: 1, rowsPerGroup: nf)
            let hc = g.modulate(g.layerNorm(cs), mc, shiftChunk: 0, scaleChunk: 1, rowsPerGroup: nc)
            let qkvx = lin(g, hx, "block\(l).x.qkv"), qkvc = lin(g, hc, "block\(l).c.qkv")
            func part(_ t: Variable, _ k: Int) -> Variable { g.columns(t, start: k * d, width: d) }
            let q = g.concatGroups(part(qkvc, 0), part(qkvx, 0), groups: items)
            let k = g.concatGroups(part(qkvc, 1), part(qkvx, 1), groups: items)
            let v = g.concatGroups(part(qkvc, 2), part(qkvx, 2), groups: items)
            let qn = g.rope(g.rmsNormHeads(q, heads: c.heads), heads: c.heads, cos: pr.ropeCos, sin: pr.ropeSin)
            let kn = g.rope(g.rmsNormHeads(k, heads: c.heads), heads: c.heads, cos: pr.ropeCos, sin: pr.ropeSin)
            let att = g.attention(qn, kn, v, groups: items, tokens: nc + nf, heads: c.heads)
            let ac = g.groupRows(att, groups: items, perGroup: nc + nf, start: 0, count: nc)
            let ax = g.groupRows(att, groups: items, perGroup: nc + nf, start: nc, count: nf)
            h = g.gatedAdd(h, mx, gateChunk: 2, lin(g, ax, "block\(l).x.out"), rowsPerGroup: nf)
            let hx2 = g.modulate(g.layerNorm(h), mx, shiftChunk: 3, scaleChunk: 4, rowsPerGroup: nf)
            h = g.gatedAdd(h, mx, gateChunk: 5, lin(g, g.gelu(lin(g, hx2, "block\(l).x.fc1")), "block\(l).x.fc2"), rowsPerGroup: nf)
            if l < c.depth - 1 {
                cs = g.gatedAdd(cs, mc, gateChunk: 2, lin(g, ac, "block\(l).c.out"), rowsPerGroup: nc)
                let hc2 = g.modulate(g.layerNorm(cs), mc, shiftChunk: 3, scaleChunk: 4, rowsPerGroup: nc)
                cs = g.gatedAdd(cs, mc, gateChunk: 5, lin(g, g.gelu(lin(g, hc2, "block\(l).c.fc1")), "block\(l).c.fc2"), rowsPerGroup: nc)
            }
        }
        let fm = lin(g, ce, "final.mod")
        var out = lin(g, g.modulate(g.layerNorm(h), fm, shiftChunk: 0, scaleChunk: 1, rowsPerGroup: nf), "final.out")
        if c.meanFieldHead {
            let pooled = g.meanPool(forcingEmbedded, perGroup: pr.forcingTokensPerFrame)  // [I·T, d]
            let withCond = g.addBroadcast(pooled, e, rowsPerGroup: pr.frames)
            let full = lin(g, g.silu(withCond), "mean_field")                          // [I·T, C·H·W]
            let toks = g.poolMap(full, map: pr.meanFieldMap, groupSize: pr.meanFieldGroup, weight: 1 / Float(pr.meanFieldGroup),
                                 outRows: items * nf, outCols: out.cols)
            out = g.add(out, g.scaleGroups(toks, factors: pr.meanFieldWeight, rowsPerGroup: nf))
        }
        return out
    }

    /// Velocity of a batch of latents (no gradient), evaluated in chunks of `itemsPerChunk` items.
    public func velocity(_ x: [Float], tau: [Double], context: StageContext) throws -> [Float] {
        let s = context.shape
        guard x.count == s.count, tau.count == s.items else {
            throw SPFModelError(.shapeMismatch, "velocity: \(x.count) values / \(tau.count) times for shape \(s.dims)")
        }
        var out = [Float]()
        out.reserveCapacity(x.count)
        var start = 0
        while start < s.items {
            let end = min(start + itemsPerChunk, s.items)
            let sub = context.slice(items: start..<end)
            let xs = Array(x[(start * s.perItem)..<(end * s.perItem)])
            let pr = try prepare(tau: Array(tau[start..<end]), context: sub)
            let g = Graph(recording: false)
            let v = forward(g, fieldTokens: FieldTokenizer.patchify(xs, sub.shape, patch: config.patchSize), pr)
            out.append(contentsOf: FieldTokenizer.unpatchify(v.value, sub.shape, patch: config.patchSize))
            start = end
        }
        return out
    }

    /// Records the weighted velocity MSE of one batch (same shape) on `graph`; target is [I,T,C,h,w].
    public func loss(_ graph: Graph, x: [Float], target: [Float], tau: [Double], context: StageContext, weight: Float) throws -> Variable {
        let pr = try prepare(tau: tau, context: context)
        let v = forward(graph, fieldTokens: FieldTokenizer.patchify(x, context.shape, patch: config.patchSize), pr)
        return graph.mseLoss(v, target: FieldTokenizer.patchify(target, context.shape, patch: config.patchSize), weight: weight)
    }
}

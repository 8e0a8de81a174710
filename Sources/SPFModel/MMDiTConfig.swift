/// Sizes and options of the MM-DiT backbone (value type; tiny test model to 100M/200M by config).
public struct MMDiTConfig: Codable, Sendable, Equatable {
    /// Hidden width d.
    public var width: Int
    /// Number of MM-DiT blocks.
    public var depth: Int
    /// Attention heads (head dim = width / heads, even).
    public var heads: Int
    /// MLP hidden = mlpRatio · width.
    public var mlpRatio: Int
    /// Field patch size (pixels per side at every stage's grid).
    public var patchSize: Int
    /// Forcing patch size on the full grid.
    public var forcingPatchSize: Int
    /// Output variables C.
    public var channels: Int
    /// Gridded forcing channels Cg (full grid).
    public var griddedForcingChannels: Int
    /// Global (scalar) forcing channels G, broadcast to the forcing patches and pooled into the conditioning.
    public var globalForcingChannels: Int
    /// Number of source models (ESMs): one learned embedding each.
    public var sources: Int
    /// Number of pyramid stages (spatial-scale embeddings).
    public var stages: Int
    /// Full-grid height.
    public var height: Int
    /// Full-grid width.
    public var width2D: Int
    /// Prototype fix 1: add the projected conditioning vector to every token.
    public var conditionEveryToken: Bool
    /// Prototype fix 3: zero-initialised forcing-to-field (mean-field) head, weighted by (1 − τ).
    public var meanFieldHead: Bool
    /// Amplitude of the fixed 2-D sin-cos spatial embedding (prototype fix 2: a strong positional signal).
    public var positionScale: Float
    /// Autoregressive baseline: clean history frames enter the context stream as extra tokens.
    public var historyStream: Bool = false

    /// Creates a configuration.
    public init(width: Int, depth: Int, heads: Int, mlpRatio: Int = 4, patchSize: Int, forcingPatchSize: Int, channels: Int,
                griddedForcingChannels: Int, globalForcingChannels: Int, sources: Int = 10, stages: Int = 3,
                height: Int, width2D: Int, conditionEveryToken: Bool = true, meanFieldHead: Bool = true, positionScale: Float = 1) {
        self.width = width
        self.depth = depth
        self.heads = heads
        self.mlpRatio = mlpRatio
        self.patchSize = patchSize
        self.forcingPatchSize = forcingPatchSize
        self.channels = channels
        self.griddedForcingChannels = griddedForcingChannels
        self.globalForcingChannels = globalForcingChannels
        self.sources = sources
        self.stages = stages
        self.height = height
        self.width2D = width2D
        self.conditionEveryToken = conditionEveryToken
        self.meanFieldHead = meanFieldHead
        self.positionScale = positionScale
    }

    /// The names `preset` takes, smallest first.
    public static let presetNames = ["tiny", "small", "100M", "200M"]

    /// Named presets: "tiny" (d 32, depth 2), "small" (d 128, depth 4, the prototype's 1.6M model),
    /// "100M" (d 512, depth 11, 8 heads), "200M" (d 768, depth 10, 12 heads) — spf-method.md §2.4 guesses.
    public static func preset(_ name: String, pyramid: PyramidConfig, patchSize: Int, forcingPatchSize: Int,
                              griddedForcingChannels: Int, globalForcingChannels: Int, sources: Int = 10) throws -> MMDiTConfig {
        let dims: (Int, Int, Int)
        switch name {
        case "tiny": dims = (32, 2, 2)
        case "small": dims = (128, 4, 4)
        case "100M": dims = (512, 11, 8)
        case "200M": dims = (768, 10, 12)
        default: throw SPFModelError(.invalidConfiguration, "unknown model preset '\(name)' (tiny, small, 100M, 200M)")
        }
        return MMDiTConfig(width: dims.0, depth: dims.1, heads: dims.2, patchSize: patchSize, forcingPatchSize: forcingPatchSize,
                           channels: pyramid.channels, griddedForcingChannels: griddedForcingChannels,
                           globalForcingChannels: globalForcingChannels, sources: sources, stages: pyramid.stageCount,
                           height: pyramid.height, width2D: pyramid.width)
    }

    /// Channels of one forcing pixel: gridded + broadcast global + month phase (sin, cos).
    public var forcingPixelChannels: Int { griddedForcingChannels + globalForcingChannels + 2 }

    /// Exact number of trainable scalars the model built from this configuration has.
    public var parameterCount: Int {
        let d = width, p2 = channels * patchSize * patchSize
        func lin(_ i: Int, _ o: Int) -> Int { i * o + o }
        var n = lin(p2, d) + lin(forcingPixelChannels * forcingPatchSize * forcingPatchSize, d)
        n += lin(256, d) + lin(d, d) + (stages + Timescale.allCases.count + sources) * d + lin(max(globalForcingChannels, 1), d)
        if conditionEveryToken { n += lin(d, d) }
        if historyStream { n += lin(p2, d) }
        // Per block: both streams' adaLN, qkv, projection and MLP, plus the four QK-norm weight vectors.
        n += depth * (2 * (lin(d, 6 * d) + lin(d, 3 * d) + lin(d, d) + lin(d, mlpRatio * d) + lin(mlpRatio * d, d)) + 4 * (d / heads))
        n += lin(d, 2 * d) + lin(d, p2)
        return n + meanFieldHeadParameterCount
    }

    /// Scalars of the zero-initialised mean-field head alone (d·C·H·W + C·H·W; grid-dependent, outside the backbone size).
    public var meanFieldHeadParameterCount: Int {
        meanFieldHead ? width * channels * height * width2D + channels * height * width2D : 0
    }

    /// Checks divisibility and head layout against a pyramid.
    public func validate(against pyramid: PyramidConfig) throws {
        guard width > 0, depth >= 1, heads >= 1, width % heads == 0, (width / heads) % 2 == 0, width % 4 == 0 else {
            throw SPFModelError(.invalidConfiguration, "width \(width) must split into \(heads) heads of even size and be divisible by 4")
        }
        guard channels == pyramid.channels, height == pyramid.height, width2D == pyramid.width, stages == pyramid.stageCount else {
            throw SPFModelError(.invalidConfiguration, "model config (C \(channels), grid \(height)x\(width2D), K \(stages)) does not match the pyramid")
        }
        for s in 0..<pyramid.stageCount {
            let (h, w) = pyramid.grid(stage: s)
            guard h % patchSize == 0, w % patchSize == 0 else {
                throw SPFModelError(.invalidConfiguration, "stage \(s) grid \(h)x\(w) not divisible by patch \(patchSize)")
            }
        }
        guard height % forcingPatchSize == 0, width2D % forcingPatchSize == 0 else {
            throw SPFModelError(.invalidConfiguration, "grid \(height)x\(width2D) not divisible by forcing patch \(forcingPatchSize)")
        }
        guard sources >= 1 else { throw SPFModelError(.invalidConfiguration, "sources must be ≥ 1") }
    }
}

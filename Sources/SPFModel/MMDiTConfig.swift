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
    /// Field patch size (pixels per side; the paper's 8). A stage whose grid it does not tile is seen
    /// by the network nearest-neighbour upsampled to the smallest grid it tiles (see ``tokenGridFactor(stage:pyramid:)``).
    public var patchSize: Int
    /// Forcing patch size on the full grid (e.g. 16 for gridded forcings).
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

    /// The factor `r` by which stage `stage`'s latent is nearest-neighbour upsampled before it is cut into
    /// patches (and the network's output block-averaged back): the least `r` for which the patch tiles the
    /// stage grid `r·h × r·w`. 1 when the patch tiles the stage grid itself; never finer than the full grid
    /// (``validate(against:)`` checks that `r` divides the stage's spatial factors).
    ///
    /// E.g. patch 8 on 96 × 144: stages 24 × 36 (r = 2, 6 × 9 tokens), 48 × 72 (r = 1), 96 × 144 (r = 1).
    public func tokenGridFactor(stage: Int, pyramid: PyramidConfig) -> Int {
        let (h, w) = pyramid.grid(stage: stage)
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let p = max(patchSize, 1), rh = p / gcd(p, max(h, 1)), rw = p / gcd(p, max(w, 1))
        return rh / gcd(rh, rw) * rw
    }

    /// Field tokens per frame at stage `stage`: `(r·h/p) · (r·w/p)`.
    public func fieldTokensPerFrame(stage: Int, pyramid: PyramidConfig) -> Int {
        let (h, w) = pyramid.grid(stage: stage), r = tokenGridFactor(stage: stage, pyramid: pyramid)
        return (r * h / max(patchSize, 1)) * (r * w / max(patchSize, 1))
    }

    /// Checks divisibility and head layout against a pyramid.
    public func validate(against pyramid: PyramidConfig) throws {
        guard width > 0, depth >= 1, heads >= 1, width % heads == 0, (width / heads) % 2 == 0, width % 4 == 0 else {
            throw SPFModelError(.invalidConfiguration, "width \(width) must split into \(heads) heads of even size and be divisible by 4")
        }
        guard channels == pyramid.channels, height == pyramid.height, width2D == pyramid.width, stages == pyramid.stageCount else {
            throw SPFModelError(.invalidConfiguration, "model config (C \(channels), grid \(height)x\(width2D), K \(stages)) does not match the pyramid")
        }
        guard patchSize >= 1, forcingPatchSize >= 1 else {
            throw SPFModelError(.invalidConfiguration, "patch sizes must be ≥ 1, got field \(patchSize), forcing \(forcingPatchSize)")
        }
        guard height % patchSize == 0, width2D % patchSize == 0 else {
            throw SPFModelError(.invalidConfiguration, "grid \(height)x\(width2D) not divisible by field patch \(patchSize)")
        }
        for s in 0..<pyramid.stageCount {
            let (h, w) = pyramid.grid(stage: s), (fh, fw) = pyramid.cumulativeSpatialFactor(stage: s)
            let r = tokenGridFactor(stage: s, pyramid: pyramid)
            guard fh % r == 0, fw % r == 0 else {
                throw SPFModelError(.invalidConfiguration,
                                    "stage \(s) grid \(h)x\(w) cannot be cut into patches of \(patchSize) (it would need upsampling ×\(r), finer than the full grid)")
            }
        }
        guard height % forcingPatchSize == 0, width2D % forcingPatchSize == 0 else {
            throw SPFModelError(.invalidConfiguration, "grid \(height)x\(width2D) not divisible by forcing patch \(forcingPatchSize)")
        }
        guard sources >= 1 else { throw SPFModelError(.invalidConfiguration, "sources must be ≥ 1") }
    }
}

/// Everything a velocity field needs besides the latent: which stage, which frames, which ESM, which forcings.
public struct StageContext: Sendable {
    /// Stage index (0 = coarsest); drives the spatial-scale embedding.
    public var stage: Int
    /// Timescale of the latent frames; drives the timescale embedding.
    public var timescale: Timescale
    /// Path being integrated.
    public var path: PyramidPath
    /// Latent shape [I, T, C, h, w].
    public var shape: FieldShape
    /// Absolute month (year·12 + month) where each item's first frame starts; [I].
    public var frameStart: [Int]
    /// Source-model (ESM) index of each item; [I].
    public var source: [Int]
    /// Forcings aggregated to the latent frames: [I, T, Cg, H, W] at the full grid.
    public var forcingGridded: [Float]
    /// Gridded forcing channels Cg.
    public var forcingGriddedChannels: Int
    /// Global forcings aggregated to the latent frames: [I, T, G].
    public var forcingGlobal: [Float]
    /// Global forcing channels G.
    public var forcingGlobalChannels: Int
    /// Autoregressive baseline only: the previous window at this stage's grid and timescale, [I, historyFrames, C, h, w].
    public var history: [Float] = []
    /// Frames of `history` per item (0: no history).
    public var historyFrames: Int = 0

    /// Creates a context.
    public init(stage: Int, timescale: Timescale, path: PyramidPath, shape: FieldShape, frameStart: [Int], source: [Int],
                forcingGridded: [Float], forcingGriddedChannels: Int, forcingGlobal: [Float], forcingGlobalChannels: Int) {
        self.stage = stage
        self.timescale = timescale
        self.path = path
        self.shape = shape
        self.frameStart = frameStart
        self.source = source
        self.forcingGridded = forcingGridded
        self.forcingGriddedChannels = forcingGriddedChannels
        self.forcingGlobal = forcingGlobal
        self.forcingGlobalChannels = forcingGlobalChannels
    }

    /// Centre of frame `f` of item `i` in months since year 0.
    public func frameCentre(item i: Int, frame f: Int) -> Double {
        Double(frameStart[i]) + (Double(f) + 0.5) * Double(timescale.months)
    }

    /// Builds a context by aggregating a forcing series over the items' frames.
    public static func build(stage: Int, timescale: Timescale, path: PyramidPath, shape: FieldShape,
                             frameStart: [Int], source: [Int], forcing: ForcingSeries) -> StageContext {
        var g: [Float] = [], s: [Float] = []
        for i in 0..<shape.items {
            let f = forcing.frames(start: frameStart[i], count: shape.frames, monthsPerFrame: timescale.months)
            g.append(contentsOf: f.gridded)
            s.append(contentsOf: f.global)
        }
        return StageContext(stage: stage, timescale: timescale, path: path, shape: shape, frameStart: frameStart,
                            source: source, forcingGridded: g, forcingGriddedChannels: forcing.griddedChannels,
                            forcingGlobal: s, forcingGlobalChannels: forcing.globalChannels)
    }

    /// The sub-context of items `range` (for chunked evaluation).
    public func slice(items range: Range<Int>) -> StageContext {
        let gPerItem = shape.items > 0 ? forcingGridded.count / shape.items : 0
        let sPerItem = shape.items > 0 ? forcingGlobal.count / shape.items : 0
        var sub = self
        sub.shape.items = range.count
        sub.frameStart = Array(frameStart[range])
        sub.source = Array(source[range])
        sub.forcingGridded = Array(forcingGridded[(range.lowerBound * gPerItem)..<(range.upperBound * gPerItem)])
        sub.forcingGlobal = Array(forcingGlobal[(range.lowerBound * sPerItem)..<(range.upperBound * sPerItem)])
        if historyFrames > 0 {
            let hPerItem = history.count / max(shape.items, 1)
            sub.history = Array(history[(range.lowerBound * hPerItem)..<(range.upperBound * hPerItem)])
        }
        return sub
    }
}

/// A velocity field v(x, τ | context) in local stage time (target Z_E − Z_S); the network or an exact one.
public protocol VelocityField: Sendable {
    /// Velocity for a batch of latents x ([I, T, C, h, w] as in `context.shape`) at global flow times τ ([I]).
    func velocity(_ x: [Float], tau: [Double], context: StageContext) throws -> [Float]
}

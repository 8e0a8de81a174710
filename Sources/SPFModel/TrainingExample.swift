/// One training example of the piecewise flow (spf-method.md Algorithm 1): x(u), target Z_E − Z_S, τ, context.
public struct TrainingExample: Sendable {
    /// Noised latent [1, T, C, h, w].
    public var x: [Float]
    /// Target velocity [1, T, C, h, w].
    public var target: [Float]
    /// Global flow time.
    public var tau: Double
    /// Stage, timescale, frames, source, forcings.
    public var context: StageContext
}

/// Window geometry and example construction for the multi-timescale pyramid.
public struct TrainingExampleBuilder: Sendable {
    /// The pyramid.
    public let pyramid: PyramidConfig
    /// Decade alignment year.
    public let decadeOriginYear: Int

    /// Creates a builder.
    public init(pyramid: PyramidConfig, decadeOriginYear: Int) {
        self.pyramid = pyramid
        self.decadeOriginYear = decadeOriginYear
    }

    /// (frames, months per frame, alignment in months) of a stage's training window on a path (funnel T' = 1, guess 5).
    public func window(stage: Int, path: PyramidPath) -> (frames: Int, monthsPerFrame: Int, alignment: Int) {
        let m0 = pyramid.timescales[path.levels[0]].months
        var frames = pyramid.stage0Frames, align = m0 * pyramid.stage0Frames
        if stage > 0 {
            for j in 1...stage {
                let f = path.jumpFactors(into: j, in: pyramid)
                if f.rt > 1 {
                    align = pyramid.timescales[path.levels[j - 1]].months
                    frames = f.rt
                }
            }
        }
        return (frames, pyramid.timescales[path.levels[stage]].months, align)
    }

    /// Valid window starts (absolute months) fully inside a run.
    public func windowStarts(run: TrainingRun, stage: Int, path: PyramidPath) -> [Int] {
        let w = window(stage: stage, path: path)
        let span = w.frames * w.monthsPerFrame
        let origin = decadeOriginYear * 12
        let lo = run.firstMonth, hi = run.firstMonth + run.months
        var k = Int((Double(lo - origin) / Double(w.alignment)).rounded(.up))
        var out: [Int] = []
        while origin + k * w.alignment + span <= hi {
            out.append(origin + k * w.alignment)
            k += 1
        }
        return out
    }

    /// The months (absolute) an example needs of its run: the window, and before it the previous window (the
    /// autoregressive history) where the run has it.
    public func monthsNeeded(run: TrainingRun, stage: Int, path: PyramidPath, start: Int) -> Range<Int> {
        let w = window(stage: stage, path: path)
        let span = w.frames * w.monthsPerFrame
        let lo = pyramid.autoregressive ? max(run.firstMonth, start - span) : start
        return lo..<(start + span)
    }

    /// Builds the example for a run (normalised fields and forcing), path, stage, window start, noise and u.
    /// - Parameter fieldsFirstMonth: the absolute month of `fields`' first frame (nil: the run's first month, i.e.
    ///   `fields` is the whole run); `fields` must cover ``monthsNeeded(run:stage:path:start:)``.
    public func example(fields: [Float], fieldsFirstMonth: Int? = nil, run: TrainingRun, forcing: ForcingSeries, path: PyramidPath,
                        stage: Int, start: Int, noise: [Float], u: Double) throws -> TrainingExample {
        let w = window(stage: stage, path: path)
        let span = w.frames * w.monthsPerFrame
        let c = pyramid.channels, plane = pyramid.height * pyramid.width
        let origin = fieldsFirstMonth ?? run.firstMonth
        let off = (start - origin) * c * plane
        guard off >= 0, off + span * c * plane <= fields.count else {
            throw SPFModelError(.invalidData, "window \(start)+\(span) months outside run \(run.label)")
        }
        // The window itself when `fields` is exactly it (the trainer's case; no copy of a decade of full-grid frames).
        let raw = off == 0 && fields.count == span * c * plane ? fields : Array(fields[off..<(off + span * c * plane)])
        let rawShape = FieldShape(items: 1, frames: span, channels: c, height: pyramid.height, width: pyramid.width)
        let (fh, fw) = pyramid.cumulativeSpatialFactor(stage: stage)
        let (xe, es) = try PyramidOps.down(raw, rawShape, rt: w.monthsPerFrame, rh: fh, rw: fw)
        guard noise.count == es.count else { throw SPFModelError(.shapeMismatch, "noise has \(noise.count) values for \(es.dims)") }
        let win = path.windows(in: pyramid)[stage]
        let e = Float(win.end), s = Float(win.start), fu = Float(u)
        var x = [Float](repeating: 0, count: es.count), target = x
        var pStart = [Float](repeating: 0, count: es.count)
        if stage > 0 {
            let f = path.jumpFactors(into: stage, in: pyramid)
            let (ph, pw) = pyramid.cumulativeSpatialFactor(stage: stage - 1)
            let (pc, pcs) = try PyramidOps.down(raw, rawShape, rt: w.monthsPerFrame * f.rt, rh: ph, rw: pw)
            pStart = try PyramidOps.up(pc, pcs, rt: f.rt, rh: f.rh, rw: f.rw).0
        }
        for k in 0..<es.count {
            let ze = e * xe[k] + (1 - e) * noise[k]
            let zs = s * pStart[k] + (1 - s) * noise[k]
            x[k] = fu * ze + (1 - fu) * zs
            target[k] = ze - zs
        }
        var ctx = StageContext.build(stage: stage, timescale: path.timescale(stage: stage, in: pyramid), path: path, shape: es,
                                     frameStart: [start], source: [run.source], forcing: forcing)
        if pyramid.autoregressive {
            // Teacher forcing: the previous window of the same run (zeros before the run starts), at this stage's grid.
            let hs = start - span
            var prev = [Float](repeating: 0, count: span * c * plane)
            if hs >= run.firstMonth {
                let ho = (hs - origin) * c * plane
                guard ho >= 0 else { throw SPFModelError(.invalidData, "history window \(hs)+\(span) months before the fields given for run \(run.label)") }
                prev = Array(fields[ho..<(ho + span * c * plane)])
            }
            let (hist, hshape) = try PyramidOps.down(prev, rawShape, rt: w.monthsPerFrame, rh: fh, rw: fw)
            ctx.history = hist
            ctx.historyFrames = hshape.frames
        }
        return TrainingExample(x: x, target: target, tau: win.tau(local: u), context: ctx)
    }
}

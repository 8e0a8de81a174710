/// Per-variable z-score statistics of output fields (optionally of their anomalies from each ESM's per-cell seasonal
/// climatology, and optionally scaled by each ESM's per-cell std of those anomalies) and per-channel statistics of forcings, computed from the training split only (spf-method.md guess 11).
public struct Normalizer: Codable, Sendable, Equatable {
    /// Field mean per variable [C].
    public var fieldMean: [Float]
    /// Field std per variable [C].
    public var fieldStd: [Float]
    /// Gridded forcing mean per channel [Cg].
    public var griddedMean: [Float]
    /// Gridded forcing std per channel [Cg].
    public var griddedStd: [Float]
    /// Global forcing mean per channel [G].
    public var globalMean: [Float]
    /// Global forcing std per channel [G].
    public var globalStd: [Float]
    /// Per-ESM, per-calendar-month, per-cell means subtracted from the fields (nil: the per-variable mean).
    /// With it, `fieldStd` is the std of the anomalies from it and `fieldMean` their mean (≈ 0, informational).
    public var climatology: FieldClimatology?
    /// Per-ESM, per-cell stds of the anomalies (`FieldScale`); where set they replace `fieldStd` (nil: `fieldStd`
    /// in every cell). Variables not scaled per cell carry their `fieldStd` in it.
    public var cellStd: FieldScale?

    /// Creates statistics directly.
    public init(fieldMean: [Float], fieldStd: [Float], griddedMean: [Float], griddedStd: [Float], globalMean: [Float], globalStd: [Float],
                climatology: FieldClimatology? = nil, cellStd: FieldScale? = nil) {
        self.climatology = climatology
        self.cellStd = cellStd
        self.fieldMean = fieldMean
        self.fieldStd = fieldStd
        self.griddedMean = griddedMean
        self.griddedStd = griddedStd
        self.globalMean = globalMean
        self.globalStd = globalStd
    }

    /// Statistics over all months and cells of the training runs. With `climatologySources` (the ESM of each
    /// `TrainingRun.source` index), fields are taken as anomalies from each ESM's mean seasonal cycle per cell
    /// (`FieldClimatology`) and the per-variable statistics are those of the anomalies. With `regressOnForcing` too,
    /// the climatology is per-cell pattern scaling (it also follows the global forcings) and the anomalies are the
    /// residuals from it. The variables with `perCellStd[c]` (it needs `climatologySources`) are scaled by each ESM's
    /// std of the anomalies per cell (`FieldScale`) instead of one std per variable.
    public static func fit(runs: [TrainingRun], channels: Int, climatologySources: [String]? = nil,
                           regressOnForcing: Bool = false, perCellStd: [Bool] = []) throws -> Normalizer {
        guard let first = runs.first else { throw SPFModelError(.invalidData, "no training runs to fit normalisation") }
        let cg = first.forcing.griddedChannels, gc = first.forcing.globalChannels
        // Per-channel mean and std over chunks laid out [..., channels, plane], produced one at a time (so the
        // anomalies of all runs never exist at once).
        func stats(_ count: Int, _ nch: Int, _ chunk: (Int) throws -> (values: [Float], channels: Int, plane: Int)) throws -> ([Float], [Float]) {
            var s = [Double](repeating: 0, count: nch), s2 = [Double](repeating: 0, count: nch), n = [Double](repeating: 0, count: nch)
            for i in 0..<count {
                let ch = try chunk(i)
                let frame = ch.channels * ch.plane
                guard frame > 0 else { continue }
                for (k, v) in ch.values.enumerated() {
                    let c = (k % frame) / ch.plane
                    guard v.isFinite else { throw SPFModelError(.invalidData, "non-finite training value in channel \(c)") }
                    s[c] += Double(v)
                    s2[c] += Double(v) * Double(v)
                    n[c] += 1
                }
            }
            var mean = [Float](), std = [Float]()
            for c in 0..<nch {
                let m = n[c] > 0 ? s[c] / n[c] : 0
                let v = n[c] > 0 ? max(s2[c] / n[c] - m * m, 0) : 1
                mean.append(Float(m))
                std.append(Float(max(v.squareRoot(), 1e-6)))
            }
            return (mean, std)
        }
        for r in runs where r.forcing.griddedChannels != cg || r.forcing.globalChannels != gc {
            throw SPFModelError(.invalidData, "run \(r.label) has forcing channels \(r.forcing.griddedChannels)/\(r.forcing.globalChannels), expected \(cg)/\(gc)")
        }
        let plane = first.forcing.height * first.forcing.width
        let fieldPlane = { (run: TrainingRun) in run.fields.count / max(run.months * channels, 1) }
        let (gm, gs) = try stats(runs.count, cg) { (runs[$0].forcing.gridded, cg, plane) }
        let (sm, ss) = try stats(runs.count, gc) { (runs[$0].forcing.global, gc, 1) }
        let forcingOnly = Normalizer(fieldMean: [], fieldStd: [], griddedMean: gm, griddedStd: gs, globalMean: sm, globalStd: ss)
        let climatology = try climatologySources.map { sources in
            regressOnForcing
                ? try FieldClimatology.fit(runs: runs, sourceIDs: sources, channels: channels,
                                           forcing: try runs.map { try forcingOnly.normalize($0.forcing).global }, forcingChannels: gc)
                : try FieldClimatology.fit(runs: runs, sourceIDs: sources, channels: channels)
        }
        let (fm, fs): ([Float], [Float])
        var cellStd: FieldScale?
        if let climatology {
            // Statistics of the anomalies from the climatology.
            var anomalies = forcingOnly
            anomalies.fieldMean = [Float](repeating: 0, count: channels)
            anomalies.fieldStd = [Float](repeating: 1, count: channels)
            anomalies.climatology = climatology
            (fm, fs) = try stats(runs.count, channels) { (try anomalies.normalizeRun(runs[$0]), channels, fieldPlane(runs[$0])) }
            if perCellStd.contains(true) {
                cellStd = try FieldScale.fit(runs: runs, sourceIDs: climatology.sourceIDs, channels: channels, variableStd: fs,
                                             perCell: perCellStd, anomalies: { try anomalies.normalizeRun($0) })
            }
        } else {
            guard !perCellStd.contains(true) else {
                throw SPFModelError(.invalidConfiguration, "a per-cell std needs the ESMs of the runs (a per-ESM climatology)")
            }
            (fm, fs) = try stats(runs.count, channels) { (runs[$0].fields, channels, fieldPlane(runs[$0])) }
        }
        return Normalizer(fieldMean: fm, fieldStd: fs, griddedMean: gm, griddedStd: gs, globalMean: sm, globalStd: ss,
                          climatology: climatology, cellStd: cellStd)
    }

    /// The same statistics with the per-ESM parts (climatology, per-cell stds) in `order`, the model's source
    /// embedding order.
    public func reordered(to order: [String]) throws -> Normalizer {
        var out = self
        out.climatology = try climatology?.reordered(to: order)
        out.cellStd = try cellStd?.reordered(to: order)
        return out
    }

    /// What a normalised value of 1 is in each cell of a frame of ESM `source` [C·plane]: the per-cell std, or the
    /// variable's std in every cell.
    public func scale(source: Int, plane: Int) throws -> [Float] {
        if let cellStd {
            guard cellStd.plane == plane, cellStd.channels == fieldStd.count else {
                throw SPFModelError(.shapeMismatch, "per-cell stds of \(cellStd.channels)×\(cellStd.plane) cells do not fit fields of \(fieldStd.count)×\(plane)")
            }
            return try cellStd.std(source: source)
        }
        return fieldStd.flatMap { [Float](repeating: $0, count: plane) }
    }

    /// The normalised monthly fields of a run [months, C, plane]: minus its ESM's expected field of each month (its
    /// climatology of that calendar month, following the run's forcing when the climatology regresses on it), over
    /// the std (`scale(source:plane:)`).
    public func normalizeRun(_ run: TrainingRun) throws -> [Float] {
        try normalizeMonths(run.fields, run: run, months: 0..<run.months,
                            normalizedForcing: needsForcing ? try normalize(run.forcing) : nil)
    }

    /// The normalised fields of months `months` (counted from the run's first month) of a run, `values` being those
    /// months' physical fields [months.count, C, plane]; element by element what ``normalizeRun(_:)`` gives for them.
    /// - Parameter normalizedForcing: the run's normalised forcing (needed when the climatology regresses on it).
    /// `values` is consumed: a caller that hands over its only reference (the trainer's window) gets it back
    /// normalised in place, without a second copy of the window.
    public func normalizeMonths(_ values: consuming [Float], run: TrainingRun, months: Range<Int>, normalizedForcing: ForcingSeries?) throws -> [Float] {
        let c = fieldMean.count
        let frame = run.frameValues
        guard frame > 0, values.count == months.count * frame, months.lowerBound >= 0, months.upperBound <= run.months else {
            throw SPFModelError(.shapeMismatch, "run \(run.label): \(values.count) values for months \(months) of frames of \(frame)")
        }
        let plane = frame / max(c, 1)
        let forcesField = needsForcing
        guard !forcesField || normalizedForcing != nil else {
            throw SPFModelError(.invalidData, "run \(run.label): the climatology follows the forcing; give the normalised forcing")
        }
        // Without forcing slopes, one offset per calendar month (absolute month m of any year is calendar month m for
        // m in 0..<12); with them, one per month.
        let scale = try scale(source: run.source, plane: plane)
        let offsetOfMonth = forcesField ? [] : try (0..<12).map { try frameOffset(source: run.source, start: $0, months: 1, plane: plane) }
        var out = consume values
        for (i, m) in months.enumerated() {
            let offset = forcesField
                ? try frameOffset(source: run.source, start: run.firstMonth + m, months: 1, plane: plane, forcing: normalizedForcing)
                : offsetOfMonth[FieldClimatology.calendarMonth(run.firstMonth + m)]
            let base = i * frame
            for k in 0..<frame { out[base + k] = (out[base + k] - offset[k]) / scale[k] }
        }
        return out
    }

    /// Physical values of sampled frames: `values` [items, frames, C, plane] in normalised units, frame `f` spanning
    /// `monthsPerFrame` months from absolute month `frameStarts[f]`, all of ESM `source`.
    /// - Parameter forcing: the scenario's normalised forcing (needed when the climatology regresses on it).
    public func denormalize(_ values: [Float], shape: FieldShape, frameStarts: [Int], monthsPerFrame: Int, source: Int,
                            forcing: ForcingSeries? = nil) throws -> [Float] {
        guard frameStarts.count == shape.frames, values.count == shape.items * shape.perItem, shape.channels == fieldMean.count else {
            throw SPFModelError(.shapeMismatch, "cannot de-normalise \(values.count) values as \(shape) with \(frameStarts.count) frame starts")
        }
        let plane = shape.height * shape.width, frame = shape.channels * plane
        let offsets = try frameStarts.map {
            try frameOffset(source: source, start: $0, months: monthsPerFrame, plane: plane, forcing: forcing)
        }
        let scale = try scale(source: source, plane: plane)
        var out = values
        for i in 0..<shape.items {
            for (f, offset) in offsets.enumerated() {
                let base = (i * shape.frames + f) * frame
                for k in 0..<frame { out[base + k] = values[base + k] * scale[k] + offset[k] }
            }
        }
        return out
    }

    /// Physical values of one sampled frame [C, plane] spanning `months` months from absolute month `start`.
    public func denormalizeFrame(_ values: ArraySlice<Float>, plane: Int, source: Int, start: Int, months: Int,
                                 forcing: ForcingSeries? = nil) throws -> [Float] {
        try denormalizeFrame(values, offset: try frameOffset(source: source, start: start, months: months, plane: plane, forcing: forcing),
                             scale: try scale(source: source, plane: plane))
    }

    /// Physical values of one sampled frame [C, plane] given its `frameOffset` and `scale` (computed once for all
    /// members).
    public func denormalizeFrame(_ values: ArraySlice<Float>, offset: [Float], scale: [Float]) throws -> [Float] {
        guard values.count == offset.count, values.count == scale.count else {
            throw SPFModelError(.shapeMismatch, "a frame of \(values.count) values does not fit an offset of \(offset.count) and a scale of \(scale.count)")
        }
        return zip(values, zip(scale, offset)).map { v, so in v * so.0 + so.1 }
    }

    /// What is subtracted from a frame of `months` months starting at absolute month `start` before dividing by the
    /// std: its ESM's climatology averaged over those months (following `forcing`, the scenario's normalised
    /// forcing, when the climatology regresses on it), or the per-variable mean. [C, plane].
    public func frameOffset(source: Int, start: Int, months: Int, plane: Int, forcing: ForcingSeries? = nil) throws -> [Float] {
        if let climatology {
            guard climatology.plane == plane, climatology.channels == fieldMean.count else {
                throw SPFModelError(.shapeMismatch, "climatology of \(climatology.channels)×\(climatology.plane) cells does not fit fields of \(fieldMean.count)×\(plane)")
            }
            return try climatology.mean(source: source, start: start, months: months, forcing: forcing)
        }
        return fieldMean.flatMap { [Float](repeating: $0, count: plane) }
    }

    /// True when de-normalising needs the scenario's forcing (the climatology regresses on it).
    public var needsForcing: Bool { (climatology?.forcingChannels ?? 0) > 0 }

    /// A normalised copy of a forcing series.
    public func normalize(_ f: ForcingSeries) throws -> ForcingSeries {
        let plane = f.height * f.width
        var g = f.gridded, s = f.global
        if f.griddedChannels > 0 {
            for k in 0..<g.count { let ch = (k / plane) % f.griddedChannels; g[k] = (g[k] - griddedMean[ch]) / griddedStd[ch] }
        }
        if f.globalChannels > 0 {
            for k in 0..<s.count { let ch = k % f.globalChannels; s[k] = (s[k] - globalMean[ch]) / globalStd[ch] }
        }
        return try ForcingSeries(startYear: f.startYear, months: f.months, griddedChannels: f.griddedChannels, height: f.height,
                                 width: f.width, gridded: g, globalChannels: f.globalChannels, global: s)
    }
}

/// Per-variable z-score statistics of output fields and per-channel statistics of forcings,
/// computed from the training split only (spf-method.md guess 11).
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

    /// Creates statistics directly.
    public init(fieldMean: [Float], fieldStd: [Float], griddedMean: [Float], griddedStd: [Float], globalMean: [Float], globalStd: [Float]) {
        self.fieldMean = fieldMean
        self.fieldStd = fieldStd
        self.griddedMean = griddedMean
        self.griddedStd = griddedStd
        self.globalMean = globalMean
        self.globalStd = globalStd
    }

    /// Statistics over all months and cells of the training runs.
    public static func fit(runs: [TrainingRun], channels: Int) throws -> Normalizer {
        guard let first = runs.first else { throw SPFModelError(.invalidData, "no training runs to fit normalisation") }
        let cg = first.forcing.griddedChannels, gc = first.forcing.globalChannels
        func stats(_ chunks: [(values: [Float], channels: Int, plane: Int)], _ nch: Int) throws -> ([Float], [Float]) {
            var s = [Double](repeating: 0, count: nch), s2 = [Double](repeating: 0, count: nch), n = [Double](repeating: 0, count: nch)
            for ch in chunks {
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
        let (fm, fs) = try stats(runs.map { ($0.fields, channels, $0.fields.count / max($0.months * channels, 1)) }, channels)
        let (gm, gs) = try stats(runs.map { ($0.forcing.gridded, cg, plane) }, cg)
        let (sm, ss) = try stats(runs.map { ($0.forcing.global, gc, 1) }, gc)
        return Normalizer(fieldMean: fm, fieldStd: fs, griddedMean: gm, griddedStd: gs, globalMean: sm, globalStd: ss)
    }

    /// Normalises fields laid out [..., C, plane].
    public func normalizeFields(_ x: [Float], plane: Int) -> [Float] {
        let c = fieldMean.count
        var out = x
        for k in 0..<out.count { let ch = (k / plane) % c; out[k] = (x[k] - fieldMean[ch]) / fieldStd[ch] }
        return out
    }

    /// Inverse of `normalizeFields`.
    public func denormalizeFields(_ x: [Float], plane: Int) -> [Float] {
        let c = fieldMean.count
        var out = x
        for k in 0..<out.count { let ch = (k / plane) % c; out[k] = x[k] * fieldStd[ch] + fieldMean[ch] }
        return out
    }

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

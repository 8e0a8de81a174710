import Foundation

/// The training split's expected value of every output field, per ESM, calendar month, variable and cell: the mean
/// seasonal cycle, and optionally its linear response to the global forcings (per-cell pattern scaling).
///
/// The network then learns anomalies from each ESM's own climatology instead of the climatology itself: the
/// equator-to-pole gradient, the land–sea contrast and the seasonal cycle (tens of kelvin) are exact by
/// construction, and only the forced response and internal variability (a few kelvin) are left to learn. The
/// prototype (prototype-notes.md) normalised per cell for the same reason.
///
/// With forcing slopes the expected field of month m is `β₀(slot, cell) + Σ_g β_g(slot, cell) · z_g(m)`, z the
/// normalised global forcings and slot the calendar month: ClimateBench's pattern scaling fitted per ESM. The
/// network then learns what pattern scaling misses (the non-linear part of the forced response and the internal
/// variability, whose distribution pattern scaling cannot give) rather than the whole warming signal.
///
/// Either way the subtraction is linear in the months, so a yearly or decadal mean of normalised months is the
/// normalised yearly or decadal mean: the pyramid's temporal block means stay consistent, and de-normalising a frame
/// adds the expected field averaged over its months.
///
/// Stored in JSON as base64 little-endian float32 (the model's metadata carries it).
public struct FieldClimatology: Codable, Sendable, Equatable {
    /// The ESMs in index order (`TrainingRun.source` and the model's source embedding index into this).
    public var sourceIDs: [String]
    /// Variables (C).
    public var channels: Int
    /// Cells per field (H·W).
    public var plane: Int
    /// Means (without slopes) or intercepts at the mean forcing (with them) [source, calendar month (0 = January), C, plane].
    public var values: [Float]
    /// Global forcing channels the field is regressed on (0: a plain seasonal climatology).
    public var forcingChannels: Int
    /// Slopes per normalised global forcing [source, calendar month, forcingChannels, C, plane] (empty when 0 channels).
    public var forcingSlopes: [Float]

    /// Creates a climatology; `values` must hold [sourceIDs.count, 12, channels, plane] and `forcingSlopes`
    /// [sourceIDs.count, 12, forcingChannels, channels, plane].
    public init(sourceIDs: [String], channels: Int, plane: Int, values: [Float], forcingChannels: Int = 0,
                forcingSlopes: [Float] = []) throws {
        guard values.count == sourceIDs.count * 12 * channels * plane else {
            throw SPFModelError(.shapeMismatch, "climatology has \(values.count) values, expected [\(sourceIDs.count), 12, \(channels), \(plane)]")
        }
        guard forcingChannels >= 0, forcingSlopes.count == sourceIDs.count * 12 * forcingChannels * channels * plane else {
            throw SPFModelError(.shapeMismatch, "climatology has \(forcingSlopes.count) forcing slopes, expected [\(sourceIDs.count), 12, \(forcingChannels), \(channels), \(plane)]")
        }
        self.sourceIDs = sourceIDs
        self.channels = channels
        self.plane = plane
        self.values = values
        self.forcingChannels = forcingChannels
        self.forcingSlopes = forcingSlopes
    }

    /// A run's source index is one of the `sources` ESMs and its fields hold `frame` values (`plane` cells per
    /// variable, like the first run's) per month.
    private static func check(_ run: TrainingRun, sources: Int, plane: Int, frame: Int) throws {
        guard (0..<sources).contains(run.source) else {
            throw SPFModelError(.invalidData, "run \(run.label) has source index \(run.source), but only \(sources) ESMs are known")
        }
        guard run.fields.count == run.months * frame else {
            throw SPFModelError(.shapeMismatch, "run \(run.label): fields do not have \(plane) cells per variable like the first run")
        }
    }

    /// Fits the mean of every (source, calendar month, variable, cell) over the runs; each source needs at least one
    /// run covering every calendar month.
    public static func fit(runs: [TrainingRun], sourceIDs: [String], channels: Int) throws -> FieldClimatology {
        guard let first = runs.first else { throw SPFModelError(.invalidData, "no training runs to fit the climatology") }
        let plane = first.fields.count / max(first.months * channels, 1)
        let frame = channels * plane
        var sums = [Double](repeating: 0, count: sourceIDs.count * 12 * frame)
        var counts = [Int](repeating: 0, count: sourceIDs.count * 12)
        for run in runs {
            try Self.check(run, sources: sourceIDs.count, plane: plane, frame: frame)
            for m in 0..<run.months {
                let month = Self.calendarMonth(run.firstMonth + m)
                let slot = run.source * 12 + month
                counts[slot] += 1
                let dst = slot * frame, src = m * frame
                for k in 0..<frame { sums[dst + k] += Double(run.fields[src + k]) }
            }
        }
        var values = [Float](repeating: 0, count: sums.count)
        for (s, id) in sourceIDs.enumerated() {
            for month in 0..<12 {
                let slot = s * 12 + month
                guard counts[slot] > 0 else {
                    throw SPFModelError(.invalidData, "no training month \(month + 1) of ESM \(id): cannot fit its climatology")
                }
                for k in 0..<frame { values[slot * frame + k] = Float(sums[slot * frame + k] / Double(counts[slot])) }
            }
        }
        return try FieldClimatology(sourceIDs: sourceIDs, channels: channels, plane: plane, values: values)
    }

    /// Fits, per (source, calendar month, variable, cell), the intercept and slopes of a least-squares regression of
    /// the field on the run's normalised global forcings (pattern scaling per ESM and calendar month).
    /// - Parameters:
    ///   - forcing: per run, its normalised global forcings [months, forcingChannels].
    ///   - ridge: penalty on the slopes relative to the number of months in each fit (keeps collinear forcings such
    ///     as CO2 and cumulative CO2 from trading huge opposite slopes).
    public static func fit(runs: [TrainingRun], sourceIDs: [String], channels: Int, forcing: [[Float]], forcingChannels: Int,
                           ridge: Double = 1e-4) throws -> FieldClimatology {
        guard forcingChannels > 0 else { return try fit(runs: runs, sourceIDs: sourceIDs, channels: channels) }
        guard let first = runs.first else { throw SPFModelError(.invalidData, "no training runs to fit the climatology") }
        guard forcing.count == runs.count else {
            throw SPFModelError(.shapeMismatch, "\(forcing.count) forcing series for \(runs.count) training runs")
        }
        let plane = first.fields.count / max(first.months * channels, 1)
        let frame = channels * plane, p = forcingChannels + 1
        // Normal equations per (source, calendar month): XᵀX [p, p] and XᵀY [p, frame], x = (1, z₁ … z_G).
        var xtx = [Double](repeating: 0, count: sourceIDs.count * 12 * p * p)
        var xty = [Double](repeating: 0, count: sourceIDs.count * 12 * p * frame)
        var counts = [Int](repeating: 0, count: sourceIDs.count * 12)
        var x = [Double](repeating: 1, count: p)
        for (r, run) in runs.enumerated() {
            try Self.check(run, sources: sourceIDs.count, plane: plane, frame: frame)
            guard forcing[r].count == run.months * forcingChannels else {
                throw SPFModelError(.shapeMismatch, "run \(run.label): forcing has \(forcing[r].count) values, expected [\(run.months), \(forcingChannels)]")
            }
            for m in 0..<run.months {
                let slot = run.source * 12 + Self.calendarMonth(run.firstMonth + m)
                counts[slot] += 1
                for g in 0..<forcingChannels { x[g + 1] = Double(forcing[r][m * forcingChannels + g]) }
                for i in 0..<p { for j in 0..<p { xtx[(slot * p + i) * p + j] += x[i] * x[j] } }
                let src = m * frame
                for i in 0..<p {
                    let dst = (slot * p + i) * frame, xi = x[i]
                    for k in 0..<frame { xty[dst + k] += xi * Double(run.fields[src + k]) }
                }
            }
        }
        var values = [Float](repeating: 0, count: sourceIDs.count * 12 * frame)
        var slopes = [Float](repeating: 0, count: sourceIDs.count * 12 * forcingChannels * frame)
        for (s, id) in sourceIDs.enumerated() {
            for month in 0..<12 {
                let slot = s * 12 + month
                guard counts[slot] > p else {
                    throw SPFModelError(.invalidData, "only \(counts[slot]) training months \(month + 1) of ESM \(id): cannot regress on \(forcingChannels) forcings")
                }
                var a = Array(xtx[(slot * p * p)..<((slot + 1) * p * p)])
                for i in 1..<p { a[i * p + i] += ridge * Double(counts[slot]) }
                let beta = try choleskySolve(a, p: p, rhs: Array(xty[(slot * p * frame)..<((slot + 1) * p * frame)]), columns: frame,
                                             what: "the forcing regression of ESM \(id), month \(month + 1)")
                for k in 0..<frame { values[slot * frame + k] = Float(beta[k]) }
                for g in 0..<forcingChannels {
                    let dst = (slot * forcingChannels + g) * frame
                    for k in 0..<frame { slopes[dst + k] = Float(beta[(g + 1) * frame + k]) }
                }
            }
        }
        return try FieldClimatology(sourceIDs: sourceIDs, channels: channels, plane: plane, values: values,
                                    forcingChannels: forcingChannels, forcingSlopes: slopes)
    }

    /// Solves A·B = rhs for a symmetric positive definite A [p, p] and rhs [p, columns] (row i of B is coefficient i).
    private static func choleskySolve(_ a: [Double], p: Int, rhs: [Double], columns: Int, what: String) throws -> [Double] {
        var l = [Double](repeating: 0, count: p * p)
        for i in 0..<p {
            for j in 0...i {
                var sum = a[i * p + j]
                for k in 0..<j { sum -= l[i * p + k] * l[j * p + k] }
                if i == j {
                    guard sum > 1e-12 * max(a[i * p + i], 1) else {
                        throw SPFModelError(.invalidData, "\(what) is singular (a forcing is constant or duplicated in the training split)")
                    }
                    l[i * p + i] = sum.squareRoot()
                } else {
                    l[i * p + j] = sum / l[j * p + j]
                }
            }
        }
        var b = rhs
        for c in 0..<columns {
            for i in 0..<p {   // L·y = rhs
                var sum = b[i * columns + c]
                for k in 0..<i { sum -= l[i * p + k] * b[k * columns + c] }
                b[i * columns + c] = sum / l[i * p + i]
            }
            for i in stride(from: p - 1, through: 0, by: -1) {   // Lᵀ·x = y
                var sum = b[i * columns + c]
                for k in (i + 1)..<p { sum -= l[k * p + i] * b[k * columns + c] }
                b[i * columns + c] = sum / l[i * p + i]
            }
        }
        return b
    }

    /// 0 (January) … 11 (December) of an absolute month index (year·12 + month).
    static func calendarMonth(_ absoluteMonth: Int) -> Int { ((absoluteMonth % 12) + 12) % 12 }

    /// The expected field averaged over `months` consecutive months starting at absolute month `start`: [C, plane].
    /// - Parameter forcing: the normalised forcing of the scenario (required with forcing slopes); months outside it
    ///   take its first or last month, as the sampler's conditioning does.
    public func mean(source: Int, start: Int, months: Int, forcing: ForcingSeries? = nil) throws -> [Float] {
        guard sourceIDs.indices.contains(source) else {
            throw SPFModelError(.invalidConfiguration, "no climatology for source index \(source) (\(sourceIDs.count) ESMs)")
        }
        guard months > 0 else { throw SPFModelError(.invalidConfiguration, "a frame of \(months) months") }
        let frame = channels * plane
        var weight = [Double](repeating: 0, count: 12)
        for m in 0..<months { weight[Self.calendarMonth(start + m)] += 1 / Double(months) }
        var out = [Double](repeating: 0, count: frame)
        for month in 0..<12 where weight[month] > 0 {
            let base = (source * 12 + month) * frame
            for k in 0..<frame { out[k] += weight[month] * Double(values[base + k]) }
        }
        if forcingChannels > 0 {
            guard let forcing else {
                throw SPFModelError(.invalidConfiguration, "the climatology regresses on \(forcingChannels) global forcings: a forcing series is needed")
            }
            guard forcing.globalChannels == forcingChannels, forcing.months > 0 else {
                throw SPFModelError(.shapeMismatch, "forcing has \(forcing.globalChannels) global channels over \(forcing.months) months; the climatology regresses on \(forcingChannels)")
            }
            // Σ over the frame's months of weight · z, per (calendar month, forcing channel).
            var zsum = [Double](repeating: 0, count: 12 * forcingChannels)
            for m in 0..<months {
                let idx = min(max(start + m - forcing.firstMonth, 0), forcing.months - 1)
                let slot = Self.calendarMonth(start + m)
                for g in 0..<forcingChannels { zsum[slot * forcingChannels + g] += Double(forcing.global[idx * forcingChannels + g]) / Double(months) }
            }
            for month in 0..<12 where weight[month] > 0 {
                for g in 0..<forcingChannels {
                    let z = zsum[month * forcingChannels + g]
                    guard z != 0 else { continue }
                    let base = ((source * 12 + month) * forcingChannels + g) * frame
                    for k in 0..<frame { out[k] += z * Double(forcingSlopes[base + k]) }
                }
            }
        }
        return out.map { Float($0) }
    }

    /// The same climatology with its ESMs in `order` (the order of a model's source embeddings).
    public func reordered(to order: [String]) throws -> FieldClimatology {
        let frame = 12 * channels * plane
        let slopeFrame = frame * forcingChannels
        var out: [Float] = [], slopes: [Float] = []
        out.reserveCapacity(order.count * frame)
        slopes.reserveCapacity(order.count * slopeFrame)
        for id in order {
            guard let s = sourceIDs.firstIndex(of: id) else {
                throw SPFModelError(.invalidData, "no climatology of ESM \(id) (fitted on \(sourceIDs.joined(separator: ", ")))")
            }
            out += values[(s * frame)..<((s + 1) * frame)]
            slopes += forcingSlopes[(s * slopeFrame)..<((s + 1) * slopeFrame)]
        }
        return try FieldClimatology(sourceIDs: order, channels: channels, plane: plane, values: out,
                                    forcingChannels: forcingChannels, forcingSlopes: slopes)
    }

    private enum CodingKeys: String, CodingKey { case sourceIDs, channels, plane, valuesFloat32LE, forcingChannels, forcingSlopesFloat32LE }

    /// Decodes, checking the shape (climatologies stored before forcing slopes existed have none).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let ids = try c.decode([String].self, forKey: .sourceIDs)
        let channels = try c.decode(Int.self, forKey: .channels), plane = try c.decode(Int.self, forKey: .plane)
        let values = try Self.decodeFloats(c, .valuesFloat32LE)
        let forcingChannels = try c.decodeIfPresent(Int.self, forKey: .forcingChannels) ?? 0
        let slopes = forcingChannels > 0 ? try Self.decodeFloats(c, .forcingSlopesFloat32LE) : []
        try self.init(sourceIDs: ids, channels: channels, plane: plane, values: values, forcingChannels: forcingChannels,
                      forcingSlopes: slopes)
    }

    /// Encodes the arrays as base64 little-endian float32.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sourceIDs, forKey: .sourceIDs)
        try c.encode(channels, forKey: .channels)
        try c.encode(plane, forKey: .plane)
        try c.encode(Float32Base64.encode(values), forKey: .valuesFloat32LE)
        if forcingChannels > 0 {
            try c.encode(forcingChannels, forKey: .forcingChannels)
            try c.encode(Float32Base64.encode(forcingSlopes), forKey: .forcingSlopesFloat32LE)
        }
    }

    private static func decodeFloats(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> [Float] {
        guard let values = Float32Base64.decode(try c.decode(String.self, forKey: key)) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not base64 float32 data")
        }
        return values
    }
}

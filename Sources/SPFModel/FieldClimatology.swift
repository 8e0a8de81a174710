import Foundation

/// The training split's mean seasonal cycle of every output field, per ESM, calendar month, variable and cell.
///
/// The network then learns anomalies from each ESM's own climatology instead of the climatology itself: the
/// equator-to-pole gradient, the land–sea contrast and the seasonal cycle (tens of kelvin) are exact by
/// construction, and only the forced response and internal variability (a few kelvin) are left to learn. The
/// prototype (prototype-notes.md) normalised per cell for the same reason. Subtracting a per-calendar-month field is
/// linear, so a yearly or decadal mean of normalised months is the normalised yearly or decadal mean: the pyramid's
/// temporal block means stay consistent, and de-normalising a frame adds the climatology averaged over its months.
///
/// Stored in JSON as base64 little-endian float32 (the model's metadata carries it).
public struct FieldClimatology: Codable, Sendable, Equatable {
    /// The ESMs in index order (`TrainingRun.source` and the model's source embedding index into this).
    public var sourceIDs: [String]
    /// Variables (C).
    public var channels: Int
    /// Cells per field (H·W).
    public var plane: Int
    /// Means [source, calendar month (0 = January), C, plane].
    public var values: [Float]

    /// Creates a climatology; `values` must hold [sourceIDs.count, 12, channels, plane].
    public init(sourceIDs: [String], channels: Int, plane: Int, values: [Float]) throws {
        guard values.count == sourceIDs.count * 12 * channels * plane else {
            throw SPFModelError(.shapeMismatch, "climatology has \(values.count) values, expected [\(sourceIDs.count), 12, \(channels), \(plane)]")
        }
        self.sourceIDs = sourceIDs
        self.channels = channels
        self.plane = plane
        self.values = values
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
            guard sourceIDs.indices.contains(run.source) else {
                throw SPFModelError(.invalidData, "run \(run.label) has source index \(run.source), but only \(sourceIDs.count) ESMs are known")
            }
            guard run.fields.count == run.months * frame else {
                throw SPFModelError(.shapeMismatch, "run \(run.label): fields do not have \(plane) cells per variable like the first run")
            }
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

    /// 0 (January) … 11 (December) of an absolute month index (year·12 + month).
    static func calendarMonth(_ absoluteMonth: Int) -> Int { ((absoluteMonth % 12) + 12) % 12 }

    /// The climatology averaged over `months` consecutive months starting at absolute month `start`: [C, plane].
    public func mean(source: Int, start: Int, months: Int) throws -> [Float] {
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
        return out.map { Float($0) }
    }

    /// The same climatology with its ESMs in `order` (the order of a model's source embeddings).
    public func reordered(to order: [String]) throws -> FieldClimatology {
        let frame = 12 * channels * plane
        var out: [Float] = []
        out.reserveCapacity(order.count * frame)
        for id in order {
            guard let s = sourceIDs.firstIndex(of: id) else {
                throw SPFModelError(.invalidData, "no climatology of ESM \(id) (fitted on \(sourceIDs.joined(separator: ", ")))")
            }
            out += values[(s * frame)..<((s + 1) * frame)]
        }
        return try FieldClimatology(sourceIDs: order, channels: channels, plane: plane, values: out)
    }

    private enum CodingKeys: String, CodingKey { case sourceIDs, channels, plane, valuesFloat32LE }

    /// Decodes, checking the shape.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let ids = try c.decode([String].self, forKey: .sourceIDs)
        let channels = try c.decode(Int.self, forKey: .channels), plane = try c.decode(Int.self, forKey: .plane)
        guard let bytes = Data(base64Encoded: try c.decode(String.self, forKey: .valuesFloat32LE)), bytes.count % 4 == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .valuesFloat32LE, in: c, debugDescription: "not base64 float32 data")
        }
        let values = stride(from: 0, to: bytes.count, by: 4).map { i -> Float in
            let b = bytes.index(bytes.startIndex, offsetBy: i)
            let bits = UInt32(bytes[b]) | UInt32(bytes[b + 1]) << 8 | UInt32(bytes[b + 2]) << 16 | UInt32(bytes[b + 3]) << 24
            return Float(bitPattern: bits)
        }
        try self.init(sourceIDs: ids, channels: channels, plane: plane, values: values)
    }

    /// Encodes the values as base64 little-endian float32.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sourceIDs, forKey: .sourceIDs)
        try c.encode(channels, forKey: .channels)
        try c.encode(plane, forKey: .plane)
        var bytes = Data(capacity: values.count * 4)
        for v in values {
            let bits = v.bitPattern
            bytes.append(contentsOf: [UInt8(bits & 0xff), UInt8((bits >> 8) & 0xff), UInt8((bits >> 16) & 0xff), UInt8(bits >> 24)])
        }
        try c.encode(bytes.base64EncodedString(), forKey: .valuesFloat32LE)
    }
}

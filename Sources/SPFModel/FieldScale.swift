/// Each ESM's standard deviation of the field anomalies per variable and cell: what a normalised value of 1 means in
/// that cell.
///
/// One std per variable (`Normalizer.fieldStd`) leaves the network a field whose spread varies twenty-fold from the
/// ITCZ to the subtropical deserts (pr) and eight-fold from the tropical oceans to the high-latitude continents (tas).
/// Sampling from a few solver steps then pulls that contrast towards the average: on the default run's monthly pr the
/// ensemble spread was 0.65–0.75 of the simulator's in the wettest cells and 1.3–1.4 in the driest. Scaled per
/// cell, every cell's anomaly has unit variance in the units the network sees.
///
/// The scale is constant over the months of a cell, so a yearly or decadal mean of normalised months is still the
/// normalised mean (the pyramid's temporal block means stay consistent). Stored in JSON as base64 float32.
public struct FieldScale: Codable, Sendable, Equatable {
    /// The ESMs in index order (`TrainingRun.source` and the model's source embedding index into this).
    public var sourceIDs: [String]
    /// Variables (C).
    public var channels: Int
    /// Cells per field (H·W).
    public var plane: Int
    /// Standard deviations [source, C, plane], all finite and positive.
    public var values: [Float]

    /// Creates scales; `values` must hold [sourceIDs.count, channels, plane] finite positive numbers.
    public init(sourceIDs: [String], channels: Int, plane: Int, values: [Float]) throws {
        guard channels > 0, plane > 0, values.count == sourceIDs.count * channels * plane else {
            throw SPFModelError(.shapeMismatch, "field scale has \(values.count) values, expected [\(sourceIDs.count), \(channels), \(plane)]")
        }
        if let bad = values.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            throw SPFModelError(.invalidData, "field scale of ESM \(sourceIDs[bad / (channels * plane)]), variable \((bad / plane) % channels), cell \(bad % plane) is \(values[bad]): expected a positive std")
        }
        self.sourceIDs = sourceIDs
        self.channels = channels
        self.plane = plane
        self.values = values
    }

    /// The std of each ESM's anomalies per cell over all months of its training runs, for the variables with
    /// `perCell[c]`; the other variables keep `variableStd[c]` in every cell. A cell's std is at least
    /// `minimumFraction` of its variable's (a cell that never rains must not divide by zero).
    /// - Parameter anomalies: a run's anomalies from its ESM's climatology [months, C, plane] (physical units).
    public static func fit(runs: [TrainingRun], sourceIDs: [String], channels: Int, variableStd: [Float], perCell: [Bool],
                           minimumFraction: Float = 0.05, anomalies: (TrainingRun) throws -> [Float]) throws -> FieldScale {
        guard variableStd.count == channels, perCell.count == channels else {
            throw SPFModelError(.shapeMismatch, "\(variableStd.count) variable stds and \(perCell.count) per-cell flags for \(channels) variables")
        }
        guard let first = runs.first, first.months > 0 else { throw SPFModelError(.invalidData, "no training runs to fit field scales") }
        let plane = first.fields.count / (first.months * channels)
        let frame = channels * plane
        var sum = [Double](repeating: 0, count: sourceIDs.count * frame), sum2 = sum
        var count = [Double](repeating: 0, count: sourceIDs.count)
        for run in runs {
            guard sourceIDs.indices.contains(run.source) else {
                throw SPFModelError(.invalidData, "run \(run.label) has source index \(run.source), but only \(sourceIDs.count) ESMs are known")
            }
            let a = try anomalies(run)
            guard a.count == run.months * frame else {
                throw SPFModelError(.shapeMismatch, "run \(run.label): anomalies do not have \(plane) cells per variable like the first run")
            }
            let base = run.source * frame
            for m in 0..<run.months {
                for k in 0..<frame {
                    let v = Double(a[m * frame + k])
                    sum[base + k] += v
                    sum2[base + k] += v * v
                }
            }
            count[run.source] += Double(run.months)
        }
        var values = [Float](repeating: 0, count: sourceIDs.count * frame)
        for (s, id) in sourceIDs.enumerated() {
            for k in 0..<frame {
                let c = k / plane
                guard perCell[c] else { values[s * frame + k] = variableStd[c]; continue }
                guard count[s] > 1 else { throw SPFModelError(.invalidData, "ESM \(id) has no training months to fit its per-cell std") }
                let mean = sum[s * frame + k] / count[s]
                let std = max(sum2[s * frame + k] / count[s] - mean * mean, 0).squareRoot()
                values[s * frame + k] = max(Float(std), minimumFraction * variableStd[c])
            }
        }
        return try FieldScale(sourceIDs: sourceIDs, channels: channels, plane: plane, values: values)
    }

    /// The stds of ESM `source` [C·plane].
    public func std(source: Int) throws -> [Float] {
        guard sourceIDs.indices.contains(source) else {
            throw SPFModelError(.invalidConfiguration, "no field scale for source index \(source) (\(sourceIDs.count) ESMs)")
        }
        let frame = channels * plane
        return Array(values[(source * frame)..<((source + 1) * frame)])
    }

    /// The same scales with the ESMs in `order` (the model's source embedding order).
    public func reordered(to order: [String]) throws -> FieldScale {
        var out: [Float] = []
        out.reserveCapacity(order.count * channels * plane)
        for id in order {
            guard let s = sourceIDs.firstIndex(of: id) else {
                throw SPFModelError(.invalidData, "no field scale of ESM \(id) (fitted on \(sourceIDs.joined(separator: ", ")))")
            }
            out += try std(source: s)
        }
        return try FieldScale(sourceIDs: order, channels: channels, plane: plane, values: out)
    }

    private enum CodingKeys: String, CodingKey { case sourceIDs, channels, plane, valuesFloat32LE }

    /// Decodes, checking the shape and that every std is positive.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let values = Float32Base64.decode(try c.decode(String.self, forKey: .valuesFloat32LE)) else {
            throw DecodingError.dataCorruptedError(forKey: .valuesFloat32LE, in: c, debugDescription: "not base64 float32 data")
        }
        try self.init(sourceIDs: try c.decode([String].self, forKey: .sourceIDs), channels: try c.decode(Int.self, forKey: .channels),
                      plane: try c.decode(Int.self, forKey: .plane), values: values)
    }

    /// Encodes the stds as base64 little-endian float32.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sourceIDs, forKey: .sourceIDs)
        try c.encode(channels, forKey: .channels)
        try c.encode(plane, forKey: .plane)
        try c.encode(Float32Base64.encode(values), forKey: .valuesFloat32LE)
    }
}

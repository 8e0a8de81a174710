import Foundation
import SPFEngine
import SPFModel

/// The `ensemble-product` object: an emulated ensemble as the merge and baseline-sampling kinds store it,
/// read by `eval.evaluate`, `eval.report`, `spf.export` and (a yearly product) `spf.merge`: one float32 dataset per
/// variable `[member, time, lat, lon]` (physical units), `lat`, `lon`; attributes `source_id`,
/// `scenario`, `timescale`, `start_year`, `years`, `members`, `model` (spf, flat, ar), `variables`,
/// `sampling_seconds` (wall time of all the sampling behind it) and `seconds_per_trajectory`
/// (per member and 10 simulated years); for an ensemble of antithetic pairs also `antithetic` ("true") and
/// `member_ids` (JSON, the absolute member index of each row: members 2k and 2k + 1 are partners).
struct EnsembleProduct {
    /// The schema inputs declare to take this object.
    static let schema = ObjectSchema("ensemble-product", "an emulated ensemble, spf.merge or spf.sample-baseline")

    /// Attribute names.
    enum Attribute {
        static let sourceID = "source_id"
        static let scenario = "scenario"
        static let timescale = "timescale"
        static let startYear = "start_year"
        static let years = "years"
        static let members = "members"
        static let model = "model"
        static let variables = "variables"
        static let samplingSeconds = "sampling_seconds"
        static let secondsPerTrajectory = "seconds_per_trajectory"
        static let antithetic = "antithetic"
        static let memberIDs = "member_ids"
    }

    /// Dataset names besides the variables' (each variable's dataset is named after it).
    enum Dataset {
        static let lat = "lat"
        static let lon = "lon"
    }

    var sourceID: String
    var scenario: String
    var timescale: Timescale
    var startYear: Int
    var years: Int
    var members: Int
    var model: String
    var variables: [String]
    var lat: [Double]
    var lon: [Double]
    /// [member, time, C, lat, lon], physical units.
    var values: [Float]
    var samplingSeconds: Double
    /// Absolute member indices of the rows, recorded as `member_ids` when known (so a monthly product can be matched
    /// row by row with the yearly product of the same members); nil: the rows are members 0..<members.
    var memberIDs: [Int]? = nil
    /// The members are antithetic pairs (2k and 2k + 1 are partners); such a product always records `memberIDs`.
    var antithetic = false

    var frames: Int { timescale == .monthly ? years * 12 : (timescale == .yearly ? years : (years + 9) / 10) }

    /// The product's time index of the frame that starts at absolute month `start`; nil when the frame falls outside
    /// the product (a decade frame that begins before `startYear` counts as the product's first decade).
    func frameIndex(startingAt start: Int) -> Int? {
        let index = (start - startYear * 12) / timescale.months
        return index >= 0 && index < frames ? index : nil
    }

    /// One variable of one member as `[time, plane]`, copied out of `values` laid out `[member, time, C, plane]`.
    static func variableSeries(_ values: [Float], member: Int, variable: Int, frames: Int, channels: Int, plane: Int) -> [Float] {
        var series = [Float](repeating: 0, count: frames * plane)
        for f in 0..<frames {
            let src = ((member * frames + f) * channels + variable) * plane
            series.replaceSubrange((f * plane)..<((f + 1) * plane), with: values[src..<(src + plane)])
        }
        return series
    }

    func write(to out: ObjectWriter) throws {
        let h = lat.count, w = lon.count, c = variables.count, t = frames
        for (k, v) in variables.enumerated() {
            var field: [Float] = []
            field.reserveCapacity(members * t * h * w)
            for m in 0..<members {
                field += Self.variableSeries(values, member: m, variable: k, frames: t, channels: c, plane: h * w)
            }
            try out.write(v, shape: [members, t, h, w], values: field)
        }
        try writeGrid(to: out)
        try writeMetadata(to: out)
    }

    /// Writes `lat` and `lon`.
    func writeGrid(to out: ObjectWriter) throws {
        try out.write(Dataset.lat, shape: [lat.count], values: lat)
        try out.write(Dataset.lon, shape: [lon.count], values: lon)
    }

    /// Writes the attributes (everything but the datasets).
    func writeMetadata(to out: ObjectWriter) throws {
        var attributes = [
            Attribute.sourceID: sourceID, Attribute.scenario: scenario, Attribute.timescale: timescale.rawValue,
            Attribute.startYear: String(startYear), Attribute.years: String(years), Attribute.members: String(members),
            Attribute.model: model, Attribute.variables: try ObjectJSON.json(variables),
            Attribute.samplingSeconds: String(samplingSeconds),
            Attribute.secondsPerTrajectory: String(samplingSeconds / Double(max(members, 1)) / (Double(years) / 10)),
        ]
        if antithetic { attributes[Attribute.antithetic] = "true" }
        if let ids = memberIDs { attributes[Attribute.memberIDs] = try ObjectJSON.json(ids) }
        try out.setAttributes(attributes)
    }

    /// The absolute member index of each row of a stored product: its `member_ids`, or 0..<members for a product
    /// that does not record them (the baselines' members are 0..<members).
    static func memberIDs(_ object: StoredObject, members: Int, node: String) throws -> [Int] {
        guard object.attribute(Attribute.memberIDs) != nil else { return Array(0..<members) }
        return try decodedMemberIDs(object, members: members, node: node)
    }

    /// Floors the variables named in `nonNegative` at zero in `values` laid out `[…, C, plane]` (physical units):
    /// a precipitation flux is never negative, while a flow sampled in normalised units can undershoot zero.
    static func floorNonNegative(_ values: inout [Float], variables: [String], nonNegative: Set<String>, plane: Int) {
        let c = variables.count
        let floored = variables.indices.filter { nonNegative.contains(variables[$0]) }
        guard !floored.isEmpty, c > 0, plane > 0 else { return }
        for frame in 0..<(values.count / (c * plane)) {
            for k in floored {
                let base = (frame * c + k) * plane
                for i in base..<(base + plane) where values[i] < 0 { values[i] = 0 }
            }
        }
    }

    /// The `non_negative` param of the kinds that write products.
    static let nonNegative = Param<[String]>(
        wrappedValue: ["pr"], "non_negative",
        doc: "variables floored at zero (fluxes such as pr); with `annual`, the months of every year are floored and still average to the yearly value")

    /// The absolute member indices of a stored product's rows when its members are antithetic pairs; nil for
    /// independent members (every product written before antithetic sampling existed).
    static func antitheticMemberIDs(_ object: StoredObject, members: Int, node: String) throws -> [Int]? {
        guard Stored(object).isAntithetic else { return nil }
        return try decodedMemberIDs(object, members: members, node: node)
    }

    /// The product's `member_ids` (an error when it is missing or does not name one id per row).
    private static func decodedMemberIDs(_ object: StoredObject, members: Int, node: String) throws -> [Int] {
        let ids = try ObjectJSON.decode([Int].self, attribute: Attribute.memberIDs, of: object, node: node)
        guard ids.count == members else {
            throw EngineError(.nodeFailed, "product \(object.key): member_ids names \(ids.count) members, the data has \(members)", node: node)
        }
        return ids
    }

    /// A stored product's metadata, read attribute by attribute (nil where an attribute is missing or malformed).
    struct Stored {
        let object: StoredObject
        init(_ object: StoredObject) { self.object = object }

        var sourceID: String? { object.attribute(Attribute.sourceID) }
        var scenario: String? { object.attribute(Attribute.scenario) }
        /// The timescale's name (`monthly`, `yearly`, `decadal`).
        var timescaleName: String? { object.attribute(Attribute.timescale) }
        var timescale: Timescale? { timescaleName.flatMap(Timescale.init(rawValue:)) }
        var startYear: Int? { object.attribute(Attribute.startYear).flatMap(Int.init) }
        var years: Int? { object.attribute(Attribute.years).flatMap(Int.init) }
        /// The member count as recorded (text).
        var membersText: String? { object.attribute(Attribute.members) }
        var members: Int? { membersText.flatMap(Int.init) }
        /// The emulator (`spf`, `flat`, `ar`); `spf` when not recorded.
        var model: String { object.attribute(Attribute.model) ?? "spf" }
        /// The recorded model name, nil when not recorded.
        var recordedModel: String? { object.attribute(Attribute.model) }
        var samplingSecondsText: String? { object.attribute(Attribute.samplingSeconds) }
        var secondsPerTrajectoryText: String? { object.attribute(Attribute.secondsPerTrajectory) }
        var secondsPerTrajectory: Double? { secondsPerTrajectoryText.flatMap(Double.init) }
        var isAntithetic: Bool { object.attribute(Attribute.antithetic) == "true" }

        /// The variables (one dataset each), in channel order.
        func variables(node: String) throws -> [String] {
            try ObjectJSON.decode([String].self, attribute: Attribute.variables, of: object, node: node)
        }

        /// The grid's latitudes and longitudes.
        func latitudes() throws -> [Double] { try object.readDoubles(Dataset.lat).values }
        func longitudes() throws -> [Double] { try object.readDoubles(Dataset.lon).values }
    }
}

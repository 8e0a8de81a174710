import Foundation
import SPFEngine
import SPFModel

/// The `trained-model` object `spf.train` stores (and `spf.load-model` re-emits): every training array,
/// the grid, and what sampling needs to know; read by `spf.stage`, `spf.merge` and `spf.sample-baseline`.
/// `spf.train`'s checkpoints hold the arrays, `trainer` and `loss_history` the same way.
///
/// Datasets: every training array (`param:…`, `adam_m:…`, `adam_v:…`, `ema:…`; `/` is not allowed in dataset
/// names), `lat`, `lon`. Attributes: `trainer` (JSON: step, model/pyramid/training configs, normaliser),
/// `variant`, `sources`, `forcing_names`, `variables`, `loss_history` (JSON), `train_seconds`.
enum TrainedModelObject {
    /// The schema inputs declare to take this object.
    static let schema = ObjectSchema("trained-model", "a trained emulator, spf.train or spf.load-model")

    /// Attribute names.
    enum Attribute {
        static let trainer = "trainer"
        static let variant = "variant"
        static let sources = "sources"
        static let forcingNames = "forcing_names"
        static let variables = "variables"
        static let lossHistory = "loss_history"
        static let trainSeconds = "train_seconds"
    }

    /// Dataset names.
    enum Dataset {
        static let lat = "lat"
        static let lon = "lon"
        /// The prefix of the sampled (EMA) weights' datasets.
        static let emaPrefix = "ema:"
    }

    /// Store dataset name of a training array (`ema/blocks.0.latent.fc1.weight` → `ema:blocks.0.latent.fc1.weight`).
    static func datasetName(_ arrayName: String) -> String { arrayName.replacingOccurrences(of: "/", with: ":") }

    /// Training array name of a store dataset (the inverse of `datasetName`).
    static func arrayName(_ datasetName: String) -> String {
        guard let i = datasetName.firstIndex(of: ":") else { return datasetName }
        return datasetName.replacingCharacters(in: i...i, with: "/")
    }

    // MARK: Writing

    /// The training arrays, in name order.
    static func writeArrays(_ arrays: [String: (shape: [Int], values: [Float])], to out: ObjectWriter) throws {
        for (name, a) in arrays.sorted(by: { $0.key < $1.key }) { try out.write(datasetName(name), shape: a.shape, values: a.values) }
    }

    /// A checkpoint: the arrays, the trainer's state and the loss history so far.
    static func writeCheckpoint(arrays: [String: (shape: [Int], values: [Float])], trainer: String, lossHistory: String,
                                to out: ObjectWriter) throws {
        try writeArrays(arrays, to: out)
        try out.setAttribute(Attribute.trainer, trainer)
        try out.setAttribute(Attribute.lossHistory, lossHistory)
    }

    /// A trained model.
    static func write(arrays: [String: (shape: [Int], values: [Float])], lat: [Double], lon: [Double], trainer: String,
                      variant: String, sources: [String], forcingNames: [String], variables: [String], lossHistory: [[Double?]],
                      trainSeconds: Double, to out: ObjectWriter) throws {
        try writeArrays(arrays, to: out)
        try out.write(Dataset.lat, shape: [lat.count], values: lat)
        try out.write(Dataset.lon, shape: [lon.count], values: lon)
        try out.setAttribute(Attribute.trainer, trainer)
        try out.setAttribute(Attribute.variant, variant)
        try out.setAttribute(Attribute.sources, try ObjectJSON.json(sources))
        try out.setAttribute(Attribute.forcingNames, try ObjectJSON.json(forcingNames))
        try out.setAttribute(Attribute.variables, try ObjectJSON.json(variables))
        try out.setAttribute(Attribute.lossHistory, try ObjectJSON.json(lossHistory))
        try out.setAttribute(Attribute.trainSeconds, String(trainSeconds))
    }

    // MARK: Reading

    /// A checkpoint's arrays (by training array name), trainer state and loss history.
    static func readCheckpoint(_ saved: StoredObject) throws -> (arrays: [String: (shape: [Int], values: [Float])], trainer: String,
                                                               lossHistory: [[Double?]]) {
        var arrays: [String: (shape: [Int], values: [Float])] = [:]
        for name in saved.datasetNames { arrays[arrayName(name)] = try saved.readFloats(name) }
        // A checkpoint without a loss history (none recorded yet) resumes with an empty one; one that does not decode is an error.
        let history = saved.attribute(Attribute.lossHistory) == nil ? []
            : try ObjectJSON.decode([[Double?]].self, attribute: Attribute.lossHistory, of: saved, node: "checkpoint")
        return (arrays, saved.attribute(Attribute.trainer) ?? "", history)
    }

    /// Whether `object` has what a trained model has (`trainer`, `sources`, `lat`).
    static func looksTrained(_ object: StoredObject) -> Bool {
        object.attribute(Attribute.trainer) != nil && object.attribute(Attribute.sources) != nil && object.datasetNames.contains(Dataset.lat)
    }

    /// The variant (spf, flat, ar) of a stored model.
    static func variant(_ object: StoredObject) -> String? { object.attribute(Attribute.variant) }

    /// A trained model ready to sample: the EMA network, its configuration, normalisation and ESM order.
    struct SamplingModel {
        var network: MMDiT
        var info: TrainerStateInfo
        var sources: [String]
        var variant: String
        var lat: [Double]
        var lon: [Double]
        var forcingNames: [String]

        /// The embedding index of `sourceID`; an error naming the ESMs the model knows otherwise.
        func sourceIndex(of sourceID: String, node: String) throws -> Int {
            guard let index = sources.firstIndex(of: sourceID) else {
                throw EngineError(.nodeFailed, "source_id \(sourceID) is not one the model was trained on (\(sources.joined(separator: ", ")))", node: node)
            }
            return index
        }
    }

    /// Loads the EMA network of a stored model, ready to sample.
    static func load(_ object: StoredObject, node: String, threads: Int? = nil) throws -> SamplingModel {
        let info = try ObjectJSON.decode(TrainerStateInfo.self, attribute: Attribute.trainer, of: object, node: node)
        var arrays: [String: (shape: [Int], values: [Float])] = [:]
        for name in object.datasetNames where name.hasPrefix(Dataset.emaPrefix) { arrays[arrayName(name)] = try object.readFloats(name) }
        let net = try MMDiT(config: info.model, pyramid: info.pyramid, seed: info.training.seed, threads: threads)
        try net.loadWeights(arrays, prefix: "ema/")
        // It only samples from here on: every layer's weight is packed once and kept across the solver steps.
        net.parameters.freezeForInference()
        return SamplingModel(network: net, info: info,
                             sources: try ObjectJSON.decode([String].self, attribute: Attribute.sources, of: object, node: node),
                             variant: object.attribute(Attribute.variant) ?? "spf",
                             lat: try object.readDoubles(Dataset.lat).values, lon: try object.readDoubles(Dataset.lon).values,
                             forcingNames: try ObjectJSON.decode([String].self, attribute: Attribute.forcingNames, of: object, node: node))
    }
}

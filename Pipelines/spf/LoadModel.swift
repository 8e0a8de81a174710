import Foundation
import SPFEngine

/// `spf.load-model`: makes an already trained model available to the sampling kinds without
/// retraining — the first node of a nightly production job.
///
/// Either `file` (an HDF5 model file, e.g. written by `spfflow model export KEY OUT.h5` or copied from
/// a cache's `objects/`; its content digest enters the cache key, so replacing the file reruns what
/// depends on it) or `key` (the cache key, or a unique prefix of it, of an `spf.train` output in this
/// run's cache, or in the cache at `cache`; read through the store, which verifies it).
/// Output: the model object re-emitted unchanged — the same datasets and the same kind-defined
/// attributes (`trainer`, `variant`, `sources`, …; the engine's `spfflow.*` provenance is its own) —
/// so `spf.stage`, `spf.merge` and `spf.sample-baseline` take it as their `model` input.
public struct LoadModel: NodeKind {
    /// Kind name.
    public static let name = "spf.load-model"
    /// Implementation version.
    public static let version = 1
    /// Summary.
    public static let summary = "Load a trained emulator (an HDF5 model file or a cache key) for the sampling nodes."
    /// Params.
    public struct Params: ParamSet {
        @Param("file", doc: "HDF5 model file (relative to the manifest); its content digest is part of the key")
        public var file: ParamPath = ""
        @Param("key", doc: "cache key (or unique prefix) of an spf.train output")
        public var key = ""
        @Param("cache", key: false, doc: "cache directory holding `key` (empty: the cache this run uses)")
        public var cache = ""

        /// The model comes from one place.
        public func validate() throws(ParamProblem) {
            guard file.isEmpty != key.isEmpty else { throw $key.problem("give exactly one of params `file` and `key`") }
        }

        /// The declarations.
        public init() {}
    }
    /// No inputs: the model comes from outside the graph.
    /// Output schema.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.trainedModel)
    public static let inputs: [InputSpec] = []
    /// Makes the kind.
    public init() {}

    /// Loads and re-emits the model.
    public func run(_ context: NodeContext) throws {
        let p = try context.params(Params.self)
        let file = p.file.path, key = p.key
        let object: StoredObject
        if !file.isEmpty {
            guard FileManager.default.fileExists(atPath: file) else {
                throw EngineError(.nodeFailed, "model file \(file) does not exist", node: context.nodeID)
            }
            object = try StoredObject(url: URL(fileURLWithPath: file), threads: context.threads)
        } else {
            let cache = p.cache
            let store: ObjectStore
            if !cache.isEmpty {
                store = try ObjectStore(root: URL(fileURLWithPath: cache), cleanLeftovers: false)
            } else if let own = context.store {
                store = own
            } else {
                throw EngineError(.nodeFailed, "no cache to look key \(key) up in (set param `cache`)", node: context.nodeID)
            }
            object = try Self.lookup(key, in: store, node: context.nodeID)
        }
        context.log("model \(object.key): \(object.datasetNames.count) datasets, variant \(TrainedModelObject.variant(object) ?? "?")")
        try Self.copyModel(object, to: try context.output(), node: context.nodeID)
    }

    /// The committed object of `key` (a full key or a unique prefix), verified by the store.
    public static func lookup(_ key: String, in store: ObjectStore, node: String? = nil) throws -> StoredObject {
        var full = key
        if store.record(for: key) == nil {
            let matches = Set(store.records().map(\.key).filter { $0.hasPrefix(key) })
            guard matches.count == 1, let only = matches.first else {
                throw EngineError(.nodeFailed, matches.isEmpty ? "no committed object with key \(key) in \(store.root.path)"
                                                               : "key prefix \(key) is ambiguous (\(matches.count) objects)", node: node)
            }
            full = only
        }
        switch store.lookup(full) {
        case .hit(let object): return object
        case .missing(let reason): throw EngineError(.nodeFailed, "object \(full) is missing: \(reason)", node: node)
        case .corrupt(let reason): throw EngineError(.nodeFailed, "object \(full) is corrupt: \(reason)", node: node)
        }
    }

    /// Copies every dataset and every kind-defined attribute of a trained model into `writer`
    /// (refuses objects that are not `spf.train` outputs).
    public static func copyModel(_ object: StoredObject, to writer: ObjectWriter, node: String? = nil) throws {
        guard TrainedModelObject.looksTrained(object) else {
            throw EngineError(.nodeFailed, "\(object.url.path) is not a trained emulator (no `trainer`/`sources` attributes or `lat`)", node: node)
        }
        for name in object.datasetNames {
            switch try object.elementType(of: name) {
            case .float32: let a = try object.read(name, as: Float.self); try writer.write(name, shape: a.shape, values: a.values)
            case .float64: let a = try object.read(name, as: Double.self); try writer.write(name, shape: a.shape, values: a.values)
            case .int32: let a = try object.read(name, as: Int32.self); try writer.write(name, shape: a.shape, values: a.values)
            case .int64: let a = try object.read(name, as: Int64.self); try writer.write(name, shape: a.shape, values: a.values)
            }
        }
        try writer.setAttributes(object.attributes.filter { !$0.key.hasPrefix("spfflow.") })
    }
}

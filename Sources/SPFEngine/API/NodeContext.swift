import Foundation

/// What the engine provides to a running node (the engine implements it; kinds only call it).
package protocol NodeIO: Sendable {
    /// The committed objects bound to input `name` (one element for a single input; empty when an optional input is absent).
    func inputObjects(_ name: String) throws -> [StoredObject]?
    /// The writer for output `name` (the same writer every call).
    func outputWriter(_ name: String) throws -> ObjectWriter
    /// The node's last checkpoint, if any.
    func loadCheckpoint() throws -> StoredObject?
    /// Writes and commits a new checkpoint replacing the previous one.
    func saveCheckpoint(_ body: (ObjectWriter) throws -> Void) throws
    /// Records progress (fraction in 0...1).
    func progress(_ fraction: Double, _ message: String)
    /// Appends a line to the node's log.
    func log(_ message: String)
}

/// Everything a node kind's `run` sees: its params, inputs, outputs, seed, threads, scratch space,
/// progress and log sinks, and the partial-progress checkpoint facility.
public final class NodeContext: Sendable {
    /// The node's id in the expanded manifest (e.g. `regrid-MPI-ESM1-2-LR-ssp245`).
    public let nodeID: String
    /// The params, defaults applied and types checked, by name (kinds read ``params(_:)``).
    public let params: NodeParams
    /// The node's seed (manifest `seed:` on the node, else the defaults' seed, else 0); part of the key.
    public let seed: UInt64
    /// Threads the node may use (results must not depend on it).
    public let threads: Int
    /// A private directory, empty at start and deleted after the node finishes.
    public let scratchDirectory: URL
    /// Save/load partial progress so that a killed node resumes from its last checkpoint.
    public let checkpoint: NodeCheckpoint
    /// The run this node is part of, as far as it got when the node started (every finished node with
    /// its status and wall time); nil when the node is computed on its own (`spfflow exec-node`).
    /// Read-only and NOT part of the cache key: a cached output built from it shows the run that produced it.
    public var runSnapshot: RunSnapshot? { snapshotSource() }
    private let snapshotSource: @Sendable () -> RunSnapshot?
    /// The object store this node runs against (to read committed objects by key, e.g. a trained model).
    public let store: ObjectStore?
    private let io: any NodeIO
    private let declaredInputs: [String: InputSpec]
    private let declaredOutputs: Set<String>

    package init(nodeID: String, params: NodeParams, seed: UInt64, threads: Int, scratchDirectory: URL,
                 inputs: [InputSpec], outputs: [String], io: any NodeIO,
                 runSnapshot: @escaping @Sendable () -> RunSnapshot? = { nil }, store: ObjectStore? = nil) {
        self.nodeID = nodeID
        self.store = store
        self.params = params
        self.seed = seed
        self.threads = threads
        self.scratchDirectory = scratchDirectory
        self.io = io
        self.snapshotSource = runSnapshot
        self.checkpoint = NodeCheckpoint(io: io)
        self.declaredInputs = Dictionary(inputs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.declaredOutputs = Set(outputs)
    }

    /// The params as the kind's typed ``ParamSet`` (`let p = try context.params(Params.self)`).
    public func params<P: ParamSet>(_ type: P.Type) throws -> P {
        do {
            let p = try P.decode(params)
            try p.validate()
            return p
        } catch let problem as ParamProblem {
            throw EngineError(.kindContract, problem.description, node: nodeID)
        }
    }

    /// The object bound to a single (non-list) input.
    public func input(_ name: String) throws -> StoredObject {
        guard let spec = declaredInputs[name] else { throw undeclaredInput(name) }
        guard let objects = try io.inputObjects(name), let first = objects.first else {
            throw EngineError(.kindContract, "input '\(name)' is \(spec.optional ? "optional and absent (use optionalInput)" : "not bound")", node: nodeID)
        }
        return first
    }

    /// The object bound to an optional input, or nil when the manifest omitted it.
    public func optionalInput(_ name: String) throws -> StoredObject? {
        guard declaredInputs[name] != nil else { throw undeclaredInput(name) }
        return try io.inputObjects(name)?.first
    }

    /// The objects bound to a list input, in manifest order (matrix expansions in expansion order).
    public func inputList(_ name: String) throws -> [StoredObject] {
        guard declaredInputs[name] != nil else { throw undeclaredInput(name) }
        return try io.inputObjects(name) ?? []
    }

    /// The writer of a declared output; committed atomically after `run` returns.
    public func output(_ name: String = "out") throws -> ObjectWriter {
        guard declaredOutputs.contains(name) else {
            throw EngineError(.kindContract, "output '\(name)' is not declared (declared: \(declaredOutputs.sorted().joined(separator: ", ")))", node: nodeID)
        }
        return try io.outputWriter(name)
    }

    /// Reports progress: `fraction` in 0...1 and a short message (shown live by `spfflow run`).
    public func progress(_ fraction: Double, _ message: String = "") {
        io.progress(min(max(fraction.isNaN ? 0 : fraction, 0), 1), message)
    }

    /// Appends a line to the node's log file under the cache's `runs/`.
    public func log(_ message: String) { io.log(message) }

    private func undeclaredInput(_ name: String) -> EngineError {
        EngineError(.kindContract, "input '\(name)' is not declared (declared: \(declaredInputs.keys.sorted().joined(separator: ", ")))", node: nodeID)
    }
}

/// Partial progress of a long node, stored in the cache under the node's key.
///
/// A training node saves its step and weights every N steps; an ensemble node saves finished members.
/// When the node is killed and rerun with the same key, `load()` returns the last saved checkpoint.
/// The checkpoint is deleted once the node's outputs are committed.
public struct NodeCheckpoint: Sendable {
    private let io: any NodeIO

    init(io: any NodeIO) { self.io = io }

    /// The last committed checkpoint of this node (same cache key), or nil when starting from zero.
    public func load() throws -> StoredObject? { try io.loadCheckpoint() }

    /// Writes a new checkpoint through `body` and commits it atomically, replacing the previous one.
    public func save(_ body: (ObjectWriter) throws -> Void) throws { try io.saveCheckpoint(body) }
}

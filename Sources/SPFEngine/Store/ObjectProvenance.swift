import Foundation

/// Provenance of one node output, stored as string attributes of the object (`spfflow.*`).
public struct ObjectProvenance: Codable, Sendable, Equatable {
    /// Node kind, e.g. "climate.regrid".
    public var kind: String
    /// Kind implementation version.
    public var kindVersion: Int
    /// Params after defaults, canonical JSON.
    public var paramsJSON: String
    /// Keys of the input objects, by input name.
    public var inputKeys: [String: [String]]
    /// Seed of the node.
    public var seed: UInt64
    /// spfflow version.
    public var spfflowVersion: String
    /// Host name.
    public var host: String
    /// Start time.
    public var startedAt: Date
    /// End time.
    public var endedAt: Date
    /// Wall time in seconds.
    public var wallSeconds: Double
    /// Peak resident memory of the process in bytes.
    public var peakMemoryBytes: Int64
    /// Node id.
    public var node: String?
    /// Run id.
    public var runId: String?
    /// Slurm job id, when run under Slurm.
    public var slurmJobId: String?
    /// The CPU that computed the object.
    public var cpu: HostCPU
    /// Attributes of the compute libraries (the registry's ``KindRegistry/platform``, e.g. the BLAS core).
    public var platform: [String: String]

    /// Makes a provenance record.
    public init(kind: String, kindVersion: Int, paramsJSON: String, inputKeys: [String: [String]], seed: UInt64,
                spfflowVersion: String, host: String, startedAt: Date, endedAt: Date, wallSeconds: Double,
                peakMemoryBytes: Int64, node: String? = nil, runId: String? = nil, slurmJobId: String? = nil,
                cpu: HostCPU = .current, platform: [String: String] = [:]) {
        self.kind = kind
        self.kindVersion = kindVersion
        self.paramsJSON = paramsJSON
        self.inputKeys = inputKeys
        self.seed = seed
        self.spfflowVersion = spfflowVersion
        self.host = host
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.wallSeconds = wallSeconds
        self.peakMemoryBytes = peakMemoryBytes
        self.node = node
        self.runId = runId
        self.slurmJobId = slurmJobId
        self.cpu = cpu
        self.platform = platform
    }

    /// Names of the provenance attributes that kinds read back (the rest are listed in ``attributes``).
    public enum Attribute {
        /// The node that computed the object.
        public static let node = "spfflow.node"
        /// The node's seed.
        public static let seed = "spfflow.seed"
        /// JSON object: input name → the keys of the objects it took.
        public static let inputKeys = "spfflow.input_keys"
    }

    /// The attributes this provenance is stored as.
    public var attributes: [String: String] {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var result: [String: String] = [
            "spfflow.kind": kind,
            "spfflow.kind_version": String(kindVersion),
            "spfflow.params": paramsJSON,
            // try?: encoding a [String: [String]] cannot fail
            Attribute.inputKeys: (try? String(decoding: JSONEncoder.sortedKeys.encode(inputKeys), as: UTF8.self)) ?? "{}",
            Attribute.seed: String(seed),
            "spfflow.version": spfflowVersion,
            "spfflow.host": host,
            "spfflow.started_at": iso.string(from: startedAt),
            "spfflow.ended_at": iso.string(from: endedAt),
            "spfflow.wall_seconds": String(wallSeconds),
            "spfflow.peak_memory_bytes": String(peakMemoryBytes),
            "spfflow.cpu_model": cpu.model,
            "spfflow.cpu_isa_level": cpu.isaLevel,
            "spfflow.build_target": HostCPU.buildTarget,
        ]
        for (name, value) in platform { result["spfflow." + name] = value }
        if let node { result[Attribute.node] = node }
        if let runId { result["spfflow.run_id"] = runId }
        if let slurmJobId { result["spfflow.slurm_job_id"] = slurmJobId }
        return result
    }
}

extension ObjectWriter {
    /// Stores provenance as `spfflow.*` string attributes.
    public func setProvenance(_ provenance: ObjectProvenance) throws {
        try setAttributes(provenance.attributes)
    }
}

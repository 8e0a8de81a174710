import Foundation

/// One output of one node: what an input refers to (`gen-a` means output `out`; `gen-a.stats` names another).
public struct OutputRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The referenced node's id.
    public let node: String
    /// The referenced output's name.
    public let output: String

    /// Makes a reference.
    public init(node: String, output: String) {
        self.node = node
        self.output = output
    }

    /// `node.output`.
    public var description: String { "\(node).\(output)" }

    /// Orders by node, then output.
    public static func < (a: OutputRef, b: OutputRef) -> Bool { (a.node, a.output) < (b.node, b.output) }
}

/// One node of an expanded, validated manifest: kind, checked params, seed, resolved inputs.
public struct ManifestNode: Sendable {
    /// The node id after matrix expansion (unique in the manifest).
    public let id: String
    /// The kind's registered name.
    public let kindName: String
    /// The kind.
    public let kind: any NodeKind.Type
    /// Every declared param, defaults applied and types checked (paths made absolute).
    public let params: NodeParams
    /// The node's seed.
    public let seed: UInt64
    /// Threads requested (node `threads:` or the kind's default).
    public let threads: Int
    /// Inputs by declared name, in manifest order (a single input has exactly one element).
    public let inputs: [String: [OutputRef]]
    /// Where the node is declared.
    public let location: SourceLocation
    /// Where each param value was written (absent for defaults).
    public let paramLocations: [String: SourceLocation]
    /// The id as declared (with `${...}` placeholders) and the matrix binding this expansion has.
    public let template: String
    /// The matrix values of this expansion (empty without `over:`).
    public let bindings: [String: String]
    /// What the node asks of a batch scheduler (`resources:`); not part of the cache key.
    public var resources: NodeResources = NodeResources()

    /// Ids of the nodes this node reads, deduplicated, sorted.
    public var upstreamIDs: [String] {
        Array(Set(inputs.values.flatMap { $0.map(\.node) })).sorted()
    }
}

/// A loaded manifest: name, where its cache lives, and the expanded nodes in declaration order.
public struct Manifest: Sendable {
    /// The manifest's `name:` (the file name without extension when absent).
    public let name: String
    /// The manifest file.
    public let file: URL
    /// The cache directory the manifest asks for (`cache:`, relative to the manifest; default `.spfflow/cache` beside it).
    public let declaredCacheDirectory: URL
    /// Expanded nodes in declaration (then expansion) order.
    public let nodes: [ManifestNode]
    /// Node index by id.
    public let index: [String: Int]
    /// Attributes of the compute libraries every object records (the registry's ``KindRegistry/platform``).
    public var platform: [String: String] = [:]
    /// Warnings from loading, each starting with `file:line:col:` (deprecated param names).
    public var warnings: [String] = []

    /// The node with `id`.
    public func node(_ id: String) -> ManifestNode? { index[id].map { nodes[$0] } }

    /// The cache directory to use: `--cache` beats `SPFFLOW_CACHE` beats the manifest.
    public func cacheDirectory(override: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let override, !override.isEmpty { return URL(fileURLWithPath: override).standardizedFileURL }
        if let env = environment["SPFFLOW_CACHE"], !env.isEmpty { return URL(fileURLWithPath: env).standardizedFileURL }
        return declaredCacheDirectory
    }
}

/// What a node asks of a batch scheduler, from the manifest's `resources:` mapping (in `defaults:`
/// and on a node; the node's keys override the defaults' one by one). Not part of the cache key:
/// asking for more memory never invalidates a result. The local and process executors use `memory` only under
/// `spfflow run --memory LIMIT`: nodes then start only while the requests of the nodes in flight fit in the limit.
///
/// ```yaml
/// defaults:
///   resources: {memory: 2G, time: "00:30:00", partition: debug}
/// nodes:
///   - id: train
///     kind: spf.train
///     resources: {cpus: 2, memory: 8G, account: clim, sbatch_options: ["--qos=long"]}
/// ```
public struct NodeResources: Sendable, Hashable {
    /// `cpus`: cpus per task (nil: the node's `threads`).
    public var cpus: Int?
    /// `memory`: MiB (`512M`, `4G`, or a number of MiB); nil: the cluster's default.
    public var memoryMB: Int?
    /// `time`: wall-time limit in minutes (`30`, `01:30:00`, `1-12:00`); nil: the partition's default.
    public var timeMinutes: Int?
    /// `partition`.
    public var partition: String?
    /// `account`.
    public var account: String?
    /// `sbatch_options`: extra scheduler arguments, one per element (never split or shell-interpreted).
    public var extraOptions: [String] = []

    /// The keys `resources:` accepts.
    public static let keys = ["account", "cpus", "memory", "partition", "sbatch_options", "time"]

    /// No requests: every value falls back to the cluster's defaults.
    public init() {}

    /// Reads a `resources:` mapping on top of `base`; `substitute` applies `${...}` variables.
    static func parse(_ value: YAMLValue, base: NodeResources, node: String?,
                      substitute: (String, SourceLocation) throws -> String) throws -> NodeResources {
        guard case .mapping(let pairs, _) = value else {
            throw EngineError(.invalidManifest, "`resources` must be a mapping (keys: \(keys.joined(separator: ", "))), got \(value.shapeName)",
                              at: value.location, node: node)
        }
        var out = base
        for p in pairs {
            func text() throws -> String {
                guard case .scalar(let s, _, let l) = p.value else {
                    throw EngineError(.invalidManifest, "`resources.\(p.key)` must be a scalar, got \(p.value.shapeName)", at: p.value.location, node: node)
                }
                return try substitute(s, l)
            }
            do {
                switch p.key {
                case "cpus":
                    let t = try text()
                    guard let n = Int(t), n >= 1 else {
                        throw EngineError(.paramType, "`resources.cpus` must be a positive integer, got '\(t)'", at: p.value.location, node: node)
                    }
                    out.cpus = n
                case "memory": out.memoryMB = try SlurmResources.parseMemoryMB(try text())
                case "time": out.timeMinutes = try SlurmResources.parseTimeMinutes(try text())
                case "partition": out.partition = try text()
                case "account": out.account = try text()
                case "sbatch_options":
                    guard case .sequence(let items, _) = p.value else {
                        throw EngineError(.invalidManifest, "`resources.sbatch_options` must be a list of strings, got \(p.value.shapeName)", at: p.value.location, node: node)
                    }
                    out.extraOptions = try items.map { item in
                        guard case .scalar(let s, _, let l) = item else {
                            throw EngineError(.invalidManifest, "`resources.sbatch_options` items must be strings, got \(item.shapeName)", at: item.location, node: node)
                        }
                        return try substitute(s, l)
                    }
                default:
                    throw EngineError(.invalidManifest, "unknown key '\(p.key)' in resources (known: \(keys.joined(separator: ", ")))", at: p.keyLocation, node: node)
                }
            } catch let e as SlurmError {
                throw EngineError(.paramType, "`resources.\(p.key)`: \(e.message)", at: p.value.location, node: node)
            }
        }
        return out
    }
}

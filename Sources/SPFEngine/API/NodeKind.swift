import Foundation

/// A kind of node a manifest can name (`kind: climate.regrid`): declared params, inputs and outputs,
/// and a `run` that reads inputs and writes outputs through its `NodeContext`.
///
/// Adding a kind = one new file in `Pipelines/` with a type conforming to this protocol, and one
/// line in `Pipelines/NodeKindRegistry.swift` (the engine tests' `test.*` kinds: `Sources/TestKinds/`,
/// which `spfflow` does not link). The engine never imports `Pipelines`.
///
/// ```swift
/// struct Scale: NodeKind {
///     static let name = "test.scale"
///     static let version = 1
///     static let summary = "Multiplies every value of the input by a factor."
///     struct Params: ParamSet {
///         @Param("factor", doc: "multiplier") var factor = 2.0
///     }
///     static let inputs = [InputSpec("data")]
///     func run(_ context: NodeContext) throws {
///         let p = try context.params(Params.self)
///         let (shape, values) = try context.input("data").readFloats("values")
///         try context.output("out").write("values", shape: shape, values: values.map { $0 * Float(p.factor) })
///     }
/// }
/// ```
///
/// Contract for implementers:
/// - `run` must be deterministic given params, inputs and `context.seed`, whatever `context.threads` is.
/// - Everything a node produces goes through `context.output(...)` (or its `filesDirectory`); the engine
///   commits all outputs atomically after `run` returns, and discards them if it throws.
/// - Bump `version` whenever a code change alters results: it is part of the cache key.
/// - `context.runSnapshot` (the run so far: finished nodes, cached/ran/failed, seconds) is the one
///   exception to determinism: it is not in the key, so an output built from it (a report's DAG and
///   timings) describes the run that computed it, and later runs reuse it from the cache unchanged.
public protocol NodeKind: Sendable {
    /// The params as one value type (see ``ParamSet``): declared there once; `run` reads them with
    /// `context.params(Params.self)`. Default: ``NoParams``.
    associatedtype Params: ParamSet = NoParams
    /// The `kind:` manifests use, e.g. "climate.regrid".
    static var name: String { get }
    /// Implementation version; part of the cache key.
    static var version: Int { get }
    /// One line describing what the kind does (shown in error messages listing known kinds).
    static var summary: String { get }
    /// Declared params (types, defaults, key / non-key); derived from ``Params`` (do not implement).
    static var params: [ParamSpec] { get }
    /// Declared inputs.
    static var inputs: [InputSpec] { get }
    /// Named outputs, one HDF5 object each; default `["out"]`.
    static var outputs: [String] { get }
    /// The schema of each output (absent: untyped, accepted by any input); default none.
    static var outputSchemas: [String: ObjectSchema] { get }
    /// Threads the node would like (the executor gives at most `--jobs`); default 1.
    static var threads: Int { get }
    /// Whether the local executor runs the node in its own `spfflow exec-node` process; default false.
    /// For kinds that hand files a user supplies to C libraries (netCDF-C, HDF5) whose bugs a corrupt
    /// file can trigger: a crash there then fails the node, naming it, instead of ending the run.
    static var runsInOwnProcess: Bool { get }
    /// Checks across params that the declarations alone cannot say (for example a list's length against
    /// another param); called for every node when the manifest loads. Derived from ``Params``: its
    /// values decoded, then ``ParamSet/validate()`` (do not implement).
    static func paramProblem(_ params: NodeParams) -> ParamProblem?
    /// Checks of this node's params against its upstream nodes' (for example a grid size an upstream node fixes); called
    /// for every node when the manifest loads, after its inputs resolve. `upstream` looks a node up by id. Default: none.
    static func graphProblem(_ node: ManifestNode, upstream: (String) -> ManifestNode?) -> ParamProblem?
    /// Makes an instance to run.
    init()
    /// Computes the node's outputs.
    func run(_ context: NodeContext) throws
}

extension NodeKind {
    /// Default: one output named "out".
    public static var outputs: [String] { ["out"] }
    /// Default: untyped outputs.
    public static var outputSchemas: [String: ObjectSchema] { [:] }
    /// Default: no inputs.
    public static var inputs: [InputSpec] { [] }
    /// The declarations of ``Params``.
    public static var params: [ParamSpec] { Params.paramSpecs }
    /// Default: one thread.
    public static var threads: Int { 1 }
    /// Default: in the run's process.
    public static var runsInOwnProcess: Bool { false }
    /// Default: empty summary.
    public static var summary: String { "" }
    /// ``Params`` decoded from `params` and validated; the first problem, or nil.
    public static func paramProblem(_ params: NodeParams) -> ParamProblem? {
        let decoded: Params
        do { decoded = try Params.decode(params) } catch let p as ParamProblem { return p } catch {
            return ParamProblem(param: "?", "\(error)")
        }
        do { try decoded.validate() } catch { return error }
        return nil
    }
    /// Default: no checks against upstream nodes.
    public static func graphProblem(_ node: ManifestNode, upstream: (String) -> ManifestNode?) -> ParamProblem? { nil }
}

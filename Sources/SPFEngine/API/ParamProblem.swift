/// A check across a node's params that failed (for example a list whose length must match another
/// param): the param the manifest should change, and why. Kinds return it from
/// ``NodeKind/paramProblem(_:)``; the loader reports it at that param's line before anything runs.
public struct ParamProblem: Sendable, Hashable {
    /// The param to point at.
    public let param: String
    /// What is wrong and what would be right.
    public let message: String

    /// Makes a problem report.
    public init(param: String, _ message: String) {
        self.param = param
        self.message = message
    }
}

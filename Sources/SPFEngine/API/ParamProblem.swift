/// A check across a node's params that failed (for example a list whose length must match another
/// param): the param the manifest should change, and why. A kind's ``ParamSet/validate()`` throws it,
/// usually as `$param.problem("…")`; the loader reports it at that param's line before anything runs.
public struct ParamProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The param to point at.
    public let param: String
    /// What is wrong and what would be right.
    public let message: String

    /// Makes a problem report.
    public init(param: String, _ message: String) {
        self.param = param
        self.message = message
    }

    /// `param 'name': message`.
    public var description: String { "param '\(param)': \(message)" }
}

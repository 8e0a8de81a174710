/// What `plan` (and `run`) decided for one node: cached or will run, and why.
public struct PlanDecision: Sendable {
    /// Node index in the manifest.
    public let index: Int
    /// Node id.
    public let id: String
    /// True when the node must be computed.
    public let willRun: Bool
    /// Human-readable reasons (empty for cached nodes).
    public let reasons: [String]
    /// Output name -> object key.
    public let objects: [String: String]

    /// Makes a decision.
    public init(index: Int, id: String, willRun: Bool, reasons: [String], objects: [String: String]) {
        self.index = index
        self.id = id
        self.willRun = willRun
        self.reasons = reasons
        self.objects = objects
    }

    /// One line: `will run  id  (reason; reason)` or `cached    id`.
    public var line: String {
        willRun ? "will run  \(id)  (\(reasons.joined(separator: "; ")))" : "cached    \(id)"
    }
}

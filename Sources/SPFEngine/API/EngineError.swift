/// The engine's typed error: a code, a message, and where it happened (manifest file/line/column, node id).
public struct EngineError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; decides the exit status.
    public enum Code: String, Sendable {
        /// The manifest is not valid YAML.
        case invalidYAML
        /// The manifest's structure is wrong (missing `nodes`, a node without `kind`, bad `over`...).
        case invalidManifest
        /// A node names a kind no registry entry has.
        case unknownKind
        /// A param the kind does not declare.
        case unknownParam
        /// A required param is absent.
        case missingParam
        /// A param's value does not have the declared type.
        case paramType
        /// A param's value breaks the kind's declared constraints (choices, range, list length, cross-param checks).
        case paramValue
        /// An input the kind does not declare, or a required input is absent.
        case badInput
        /// An input references a node or output that does not exist.
        case missingReference
        /// The graph has a cycle.
        case cycle
        /// Two nodes have the same id after matrix expansion.
        case duplicateID
        /// A command-line argument names a node that does not exist, or is otherwise wrong.
        case usage
        /// A node kind asked its context for something it did not declare.
        case kindContract
        /// A node failed while running.
        case nodeFailed
        /// The cache could not be read or written.
        case cache
        /// A file input could not be read.
        case fileInput
        /// A node could not write its outputs because the cache's file system is full (or over quota).
        case diskFull
    }

    /// What went wrong.
    public let code: Code
    /// The full human-readable message (without the location prefix).
    public let message: String
    /// The manifest file, when the error is about a manifest.
    public var file: String?
    /// 1-based line in `file`.
    public var line: Int?
    /// 1-based column in `file`.
    public var column: Int?
    /// The node id the error concerns (after expansion), if any.
    public var node: String?

    /// Makes an error.
    public init(_ code: Code, _ message: String, file: String? = nil, line: Int? = nil, column: Int? = nil, node: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.node = node
    }

    /// True for errors in what the user wrote (manifest, arguments): exit status 2.
    public var isUsageError: Bool {
        switch code {
        case .invalidYAML, .invalidManifest, .unknownKind, .unknownParam, .missingParam, .paramType, .paramValue, .badInput,
             .missingReference, .cycle, .duplicateID, .usage:
            true
        case .kindContract, .nodeFailed, .cache, .fileInput, .diskFull:
            false
        }
    }

    /// `file:line:column: error: [node X] message`, the form editors and users recognise.
    public var description: String {
        var prefix = ""
        if let file {
            prefix = file
            if let line { prefix += ":\(line)"; if let column { prefix += ":\(column)" } }
            prefix += ": "
        }
        let nodePart = node.map { "node '\($0)': " } ?? ""
        return "\(prefix)error: \(nodePart)\(message)"
    }
}

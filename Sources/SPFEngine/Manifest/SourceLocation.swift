/// A position in a manifest file (1-based line and column), for error messages.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The manifest file path as given.
    public let file: String
    /// 1-based line.
    public let line: Int
    /// 1-based column.
    public let column: Int

    /// Makes a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }
}

extension EngineError {
    /// An error located at a manifest position, about a node.
    init(_ code: Code, _ message: String, at location: SourceLocation?, node: String? = nil) {
        self.init(code, message, file: location?.file, line: location?.line, column: location?.column, node: node)
    }
}

/// An error raised by TensorCore for inputs a caller can get wrong (shapes, state dictionaries, configs).
public struct TensorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Equatable {
        /// Two shapes that must agree do not.
        case shapeMismatch
        /// A configuration value is out of range or inconsistent.
        case invalidConfiguration
        /// A state dictionary lacks an entry that is required.
        case missingState
        /// An argument is out of range.
        case invalidArgument
    }

    /// The kind of failure.
    public let code: Code
    /// What went wrong, with the concrete values (shapes, names).
    public let message: String
    /// Where the error was raised (source file of TensorCore).
    public let file: String
    /// Line in `file`.
    public let line: Int

    /// Creates an error; `file` and `line` default to the call site.
    public init(_ code: Code, _ message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    /// A one-line description: code, message and location.
    public var description: String { "TensorError.\(code.rawValue): \(message) (\(file):\(line))" }
}

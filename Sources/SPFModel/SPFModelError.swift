/// The typed error of the SPF model module: a code plus a message that carries context.
public struct SPFModelError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is.
    public enum Code: String, Sendable, Codable {
        /// A configuration value is out of range or inconsistent.
        case invalidConfiguration
        /// An array does not have the shape its contract requires.
        case shapeMismatch
        /// A serialised sampler or training state is inconsistent or incomplete.
        case invalidState
        /// Training or conditioning data are unusable (too short, wrong variables, non-finite).
        case invalidData
        /// A numerical failure (non-finite loss, singular matrix).
        case numerical
    }
    /// The failure kind.
    public let code: Code
    /// Human-readable context (which array, which stage, which value).
    public let message: String

    /// Creates an error with a code and a context message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `spfmodel.<code>: <message>`.
    public var description: String { "spfmodel.\(code.rawValue): \(message)" }
}

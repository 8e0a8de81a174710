/// An error from the ClimateSuite simulator, with a code and a message naming the model,
/// experiment, member or parameter involved.
public struct SimulatorError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// A parameter (scale, years, members, model or experiment name) is invalid.
        case badParameter
        /// Forcing data needed by the simulation are missing.
        case forcing
        /// Writing the output failed.
        case output
    }
    /// The kind of failure.
    public let code: Code
    /// A human-readable message with context.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `simulator error [code]: message`.
    public var description: String { "simulator error [\(code.rawValue)]: \(message)" }
}

/// The typed error of the Evaluation module: a code for programs, a message for people, and the
/// context (model, variable) the problem was found in.
public struct EvaluationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem this is.
    public enum Code: String, Sendable {
        /// Array sizes disagree with the declared shape, or two fields that must match do not.
        case shapeMismatch
        /// A caller-supplied argument is out of range or inconsistent.
        case invalidArgument
        /// A regression system is singular even after regularisation.
        case singularSystem
        /// There is not enough data for the requested computation (e.g. a floor with one member).
        case insufficientData
        /// Writing a report file failed.
        case io
    }

    /// The kind of problem.
    public var code: Code
    /// A human-readable explanation with the concrete values involved.
    public var message: String
    /// The model involved, if any.
    public var model: String?
    /// The variable involved, if any.
    public var variable: String?

    /// Creates an error with optional model and variable context.
    public init(_ code: Code, _ message: String, model: String? = nil, variable: String? = nil) {
        self.code = code
        self.message = message
        self.model = model
        self.variable = variable
    }

    /// Returns a copy with model/variable context filled in where it was missing.
    public func context(model: String? = nil, variable: String? = nil) -> EvaluationError {
        var copy = self
        if copy.model == nil { copy.model = model }
        if copy.variable == nil { copy.variable = variable }
        return copy
    }

    /// `evaluation error [code] model … variable …: message`.
    public var description: String {
        var parts = "evaluation error [\(code.rawValue)]"
        if let model { parts += " model \(model)" }
        if let variable { parts += " variable '\(variable)'" }
        return parts + ": " + message
    }
}

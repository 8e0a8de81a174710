/// An error from the forcing code (RCMIP reading, forcing sets, alignment), with a code and a
/// message that names the file, line, scenario or variable involved.
public struct ForcingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, for programmatic handling.
    public enum Code: String, Sendable {
        /// A file could not be opened or decoded as UTF-8.
        case unreadableFile
        /// A CSV line is malformed (wrong field count, bad number, unterminated quote).
        case malformedCSV
        /// A required RCMIP column (Model, Scenario, Region, Variable, Unit) is absent.
        case missingColumn
        /// No row matches the requested scenario/variable/region.
        case missingSeries
        /// A series has no value for (and cannot be interpolated to) a requested year.
        case missingYears
        /// A forcing-set entry, experiment or parameter is not understood.
        case badSpecification
        /// Frames and values disagree in shape or calendar.
        case shapeMismatch
        /// A unit string that cannot be converted to the variable's unit.
        case unknownUnit
        /// Years between a series' values (or before or after them) that are too far from a value to interpolate.
        case yearGap
        /// A scenario name that is not in the file.
        case unknownScenario
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

    /// `forcing error [code]: message`.
    public var description: String { "forcing error [\(code.rawValue)]: \(message)" }
}

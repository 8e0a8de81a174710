/// The typed error of the ClimateData module: a code for programs, a message for people, and
/// the context (file, variable) the problem was found in.
public struct ClimateDataError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem this is.
    public enum Code: String, Sendable {
        /// The netCDF library refused an operation (open, read, write).
        case netcdf
        /// A file, variable, dimension or attribute that was asked for does not exist.
        case notFound
        /// Present, but not in a form this module can interpret (e.g. a malformed `units`).
        case malformed
        /// A valid CF construct this module does not support (curvilinear grids, rotated pole …).
        case unsupported
        /// Two things that must agree do not (calendars of one dataset, grid shapes …).
        case mismatch
        /// A time or date outside what a calendar allows.
        case calendar
        /// A dataset with holes, overlaps or duplicate versions.
        case dataset
        /// A caller-supplied argument is invalid.
        case invalidArgument
    }

    /// The kind of problem.
    public var code: Code
    /// A human-readable explanation.
    public var message: String
    /// The file involved, if any.
    public var file: String?
    /// The variable involved, if any.
    public var variable: String?

    /// Creates an error with optional file and variable context.
    public init(_ code: Code, _ message: String, file: String? = nil, variable: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.variable = variable
    }

    /// Returns a copy with file/variable context filled in where it was missing.
    public func context(file: String? = nil, variable: String? = nil) -> ClimateDataError {
        var copy = self
        if copy.file == nil { copy.file = file }
        if copy.variable == nil { copy.variable = variable }
        return copy
    }

    /// `climate-data error [code] file: … variable: …: message`.
    public var description: String {
        var parts = "climate-data error [\(code.rawValue)]"
        if let file { parts += " file \(file)" }
        if let variable { parts += " variable '\(variable)'" }
        return parts + ": " + message
    }
}

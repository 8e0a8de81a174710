import Foundation

/// One headline number, printed as `figure <name> = <value> <unit>` so nightly logs can be scanned.
public struct HeadlineFigure: Sendable, Equatable {
    /// Figure name, e.g. `spf_yearly_crps_tas`.
    public var name: String
    /// Value.
    public var value: Double
    /// Unit, e.g. `K` or `ratio`.
    public var unit: String

    /// Creates a figure.
    public init(name: String, value: Double, unit: String) {
        self.name = name
        self.value = value
        self.unit = unit
    }

    /// `figure <name> = <value> <unit>`.
    public var line: String { "figure \(name) = \(String(format: "%.6g", value)) \(unit)" }
}

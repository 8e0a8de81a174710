/// An ordered, configurable list of forcing variables: the conditioning vector every frame
/// gets. The default is ClimateBench's (cumulative CO2, CH4, SO2, BC) plus the SAI aerosol
/// optical depth, which is zero outside SAI experiments.
public struct ForcingSet: Sendable, Hashable {
    /// The variables, in vector order.
    public var variables: [ForcingVariable]

    /// Creates a set; names must be unique.
    public init(_ variables: [ForcingVariable]) throws(ForcingError) {
        var seen = Set<String>()
        for v in variables where !seen.insert(v.name).inserted {
            throw ForcingError(.badSpecification, "forcing '\(v.name)' listed twice")
        }
        guard !variables.isEmpty else { throw ForcingError(.badSpecification, "empty forcing set") }
        self.variables = variables
    }

    /// Builds a set from manifest names (see `ForcingVariable.named`).
    public init(names: [String]) throws(ForcingError) {
        var vars: [ForcingVariable] = []
        for n in names { vars.append(try ForcingVariable.named(n)) }
        try self.init(vars)
    }

    /// ClimateBench's inputs plus SAI AOD: co2_cumulative, ch4, so2, bc, aod.
    public static let climateBench = ForcingSet(unchecked: [.co2Cumulative, .ch4, .so2, .bc, .aod])

    private init(unchecked variables: [ForcingVariable]) { self.variables = variables }

    /// Variable names in vector order.
    public var names: [String] { variables.map(\.name) }
    /// Number of variables.
    public var count: Int { variables.count }
}

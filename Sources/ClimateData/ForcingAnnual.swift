/// Annual global forcing series of one experiment: `values[(year − firstYear) * count + v]` is
/// the annual mean of variable v (shape [years, variables]). For cumulative variables
/// `increments` holds the year's addition (same shape; zero for the others), from which monthly
/// values inside the year are rebuilt.
public struct AnnualForcing: Sendable, Equatable {
    /// Experiment id.
    public var experiment: String
    /// Variable names in vector order.
    public var names: [String]
    /// Units per variable.
    public var units: [String]
    /// Whether each variable is cumulative.
    public var cumulative: [Bool]
    /// First year.
    public var firstYear: Int
    /// Annual means, shape [years, names.count].
    public var values: [Double]
    /// Annual increments of cumulative variables, shape [years, names.count].
    public var increments: [Double]

    /// Creates a series; shapes must agree.
    public init(experiment: String, names: [String], units: [String], cumulative: [Bool], firstYear: Int,
                values: [Double], increments: [Double]) {
        self.experiment = experiment
        self.names = names
        self.units = units
        self.cumulative = cumulative
        self.firstYear = firstYear
        self.values = values
        self.increments = increments
    }

    /// Number of variables.
    public var count: Int { names.count }
    /// Number of years.
    public var yearCount: Int { names.isEmpty ? 0 : values.count / names.count }
    /// Last year.
    public var lastYear: Int { firstYear + yearCount - 1 }

    /// The annual mean of variable `name` in `year`.
    public func value(_ name: String, year: Int) throws(ForcingError) -> Double {
        guard let v = names.firstIndex(of: name) else {
            throw ForcingError(.badSpecification, "\(experiment): no forcing '\(name)' (have \(names.joined(separator: ", ")))")
        }
        guard year >= firstYear && year <= lastYear else {
            throw ForcingError(.missingYears, "\(experiment): \(name) in \(year) outside \(firstYear)...\(lastYear)")
        }
        return values[(year - firstYear) * count + v]
    }

    /// The series of variable `name`, one value per year.
    public func series(_ name: String) throws(ForcingError) -> [Double] {
        guard let v = names.firstIndex(of: name) else {
            throw ForcingError(.badSpecification, "\(experiment): no forcing '\(name)' (have \(names.joined(separator: ", ")))")
        }
        return (0..<yearCount).map { values[$0 * count + v] }
    }
}

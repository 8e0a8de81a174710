import Foundation

/// An RCMIP CSV file in memory: one row per model/scenario/region/variable/unit with one value (or none)
/// per year column. RCMIP's files are IAMC-format files, read by `IAMCScenarioFile` (columns found by
/// header name, whatever order: the emissions files order `Mip_Era, Activity_Id`, the concentration and
/// forcing files `Activity_Id, Mip_Era`; `#` lines such as the citation header of spfflow's committed
/// extract skipped); this type keeps every row over all the year columns, nil where a field is empty.
public struct RCMIPTable: Sendable {
    /// All rows, in file order.
    public var series: [RCMIPSeries]
    /// Where the table came from (a path or a label), for messages.
    public var source: String

    /// Creates a table from rows.
    public init(series: [RCMIPSeries], source: String) {
        self.series = series
        self.source = source
    }

    /// Reads an RCMIP CSV file (the full RCMIP files or spfflow's extract).
    public init(contentsOf url: URL) throws(ForcingError) {
        self.init(try IAMCScenarioFile(contentsOf: url))
    }

    /// Parses RCMIP CSV text; `source` names the text in error messages.
    public init(csv text: String, source: String) throws(ForcingError) {
        self.init(try IAMCScenarioFile(csv: text, source: source))
    }

    /// The rows of an IAMC-format file (RCMIP's files are in that format), each over all of the file's year
    /// columns, nil where the file has no value.
    public init(_ file: IAMCScenarioFile) {
        source = file.source
        series = file.rows.map { row in
            let byYear = Dictionary(zip(row.years, row.values), uniquingKeysWith: { first, _ in first })
            return RCMIPSeries(model: row.model, scenario: row.scenario, region: row.region, variable: row.variable,
                               unit: row.unit, years: file.yearColumns, values: file.yearColumns.map { byYear[$0] })
        }
    }

    /// The row for `scenario` and `variable` in `region` (case-sensitive, as RCMIP spells them).
    public func series(scenario: String, variable: String, region: String = "World") throws(ForcingError) -> RCMIPSeries {
        if let row = series.first(where: { $0.scenario == scenario && $0.variable == variable && $0.region == region }) {
            return row
        }
        let scenarios = Set(series.map(\.scenario)).sorted().joined(separator: ", ")
        throw ForcingError(.missingSeries,
                           "\(source): no row for scenario '\(scenario)', variable '\(variable)', region '\(region)' (scenarios: \(scenarios))")
    }

    /// The rows of both tables (e.g. emissions plus forcing), this table's first.
    public func merged(with other: RCMIPTable) -> RCMIPTable {
        RCMIPTable(series: series + other.series, source: "\(source) + \(other.source)")
    }
}

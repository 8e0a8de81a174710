import Foundation

/// An RCMIP-format CSV file in memory: one row per model/scenario/region/variable/unit with one
/// column per year. Columns are found by header name (the emissions files order
/// `Mip_Era, Activity_Id`, the concentration and forcing files `Activity_Id, Mip_Era`); any
/// header that is an integer is a year column. Empty fields are missing values. Lines starting
/// with `#` (the citation header of spfflow's committed extract) and blank lines are skipped.
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
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ForcingError(.unreadableFile, "\(url.path): \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ForcingError(.unreadableFile, "\(url.path): not UTF-8 text")
        }
        try self.init(csv: text, source: url.path)
    }

    /// Parses RCMIP CSV text; `source` names the text in error messages.
    public init(csv text: String, source: String) throws(ForcingError) {
        self.source = source
        self.series = []
        var header: [String]? = nil
        var yearColumns: [(column: Int, year: Int)] = []
        var named: [String: Int] = [:]
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.isEmpty || line.first == "#" { continue }
            let fields = try RCMIPTable.splitCSV(line, source: source, line: lineNumber)
            guard let head = header else {
                header = fields
                for (i, name) in fields.enumerated() {
                    let trimmed = name.trimmingCharacters(in: .whitespaces)
                    if let year = Int(trimmed) {
                        yearColumns.append((i, year))
                    } else {
                        named[trimmed.lowercased()] = i
                    }
                }
                for required in ["model", "scenario", "region", "variable", "unit"] where named[required] == nil {
                    throw ForcingError(.missingColumn, "\(source) line \(lineNumber): no '\(required)' column in header")
                }
                yearColumns.sort { $0.year < $1.year }
                continue
            }
            guard fields.count == head.count else {
                throw ForcingError(.malformedCSV,
                                   "\(source) line \(lineNumber): \(fields.count) fields, header has \(head.count)")
            }
            var values = [Double?]()
            values.reserveCapacity(yearColumns.count)
            for (column, year) in yearColumns {
                let field = fields[column].trimmingCharacters(in: .whitespaces)
                if field.isEmpty || field.lowercased() == "nan" {
                    values.append(nil)
                } else if let v = Double(field) {
                    values.append(v)
                } else {
                    throw ForcingError(.malformedCSV,
                                       "\(source) line \(lineNumber), year \(year): '\(field)' is not a number")
                }
            }
            func column(_ name: String) -> String { named[name].map { fields[$0] } ?? "" }
            series.append(RCMIPSeries(model: column("model"), scenario: column("scenario"), region: column("region"),
                                      variable: column("variable"), unit: column("unit"),
                                      years: yearColumns.map(\.year), values: values))
        }
        if header == nil {
            throw ForcingError(.malformedCSV, "\(source): no header line")
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

    /// Splits one CSV line; handles double-quoted fields with `""` escapes.
    static func splitCSV(_ line: Substring, source: String, line number: Int) throws(ForcingError) -> [String] {
        if !line.contains("\"") { return line.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        var fields: [String] = []
        var current = ""
        var inQuotes = false
        var iterator = line.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { current.append("\"") } else { inQuotes = false; pending = next }
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.append(c)
                }
            } else if c == "\"" {
                inQuotes = true
            } else if c == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        if inQuotes { throw ForcingError(.malformedCSV, "\(source) line \(number): unterminated quote") }
        fields.append(current)
        return fields
    }
}

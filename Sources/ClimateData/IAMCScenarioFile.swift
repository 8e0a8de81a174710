import Foundation

/// A scenario file in the IAMC format (RCMIP, the IPCC AR6 scenario database, integrated-assessment models'
/// exports): a header `Model, Scenario, Region, Variable, Unit` (any case, any column order, other columns
/// ignored) and one column per year; one row per model, scenario, region and variable. Every row keeps its
/// line number, so errors name the file, the line and the variable. Lines starting with `#` are comments.
public struct IAMCScenarioFile: Sendable {
    /// One row of the file.
    public struct Row: Sendable {
        /// Model, scenario, region, variable and unit as written.
        public var model: String, scenario: String, region: String, variable: String, unit: String
        /// 1-based line number in the file.
        public var line: Int
        /// The years that carry a value, ascending, and their values.
        public var years: [Int], values: [Double]
    }

    /// Where the file came from (its path), for messages.
    public var source: String
    /// All rows, in file order.
    public var rows: [Row]
    /// The header's year columns, ascending.
    public var yearColumns: [Int]

    /// Reads a file.
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

    /// Parses CSV text; `source` names it in messages.
    public init(csv text: String, source: String) throws(ForcingError) {
        self.source = source
        rows = []
        yearColumns = []
        var header: [String]? = nil
        var named: [String: Int] = [:]
        var years: [(column: Int, year: Int)] = []
        var lineNumber = 0
        var text = Substring(text)
        if text.hasPrefix("\u{FEFF}") { text = text.dropFirst() }
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.first == "#" { continue }
            let fields = try CSVLine.fields(line, source: source, line: lineNumber)
            guard let head = header else {
                header = fields
                for (i, name) in fields.enumerated() {
                    let trimmed = name.trimmingCharacters(in: .whitespaces)
                    // Year columns: "2020", or "2020.0" as some exports write them.
                    if let year = Int(trimmed) ?? Double(trimmed).flatMap({ $0 == $0.rounded() && abs($0) < 1e5 ? Int($0) : nil }) {
                        if let other = years.first(where: { $0.year == year }) {
                            throw ForcingError(.malformedCSV, "\(source) line \(lineNumber): year \(year) is the header's column \(other.column + 1) and \(i + 1)")
                        }
                        years.append((i, year))
                    } else {
                        named[trimmed.lowercased()] = i
                    }
                }
                for required in ["model", "scenario", "region", "variable", "unit"] where named[required] == nil {
                    throw ForcingError(.missingColumn, "\(source) line \(lineNumber): no '\(required.capitalized)' column in the header (IAMC format: Model, Scenario, Region, Variable, Unit, then one column per year)")
                }
                guard !years.isEmpty else {
                    throw ForcingError(.missingColumn, "\(source) line \(lineNumber): no year columns in the header")
                }
                years.sort { $0.year < $1.year }
                yearColumns = years.map(\.year)
                continue
            }
            guard fields.count == head.count else {
                throw ForcingError(.malformedCSV, "\(source) line \(lineNumber): \(fields.count) fields, the header has \(head.count)")
            }
            func column(_ name: String) -> String { named[name].map { fields[$0].trimmingCharacters(in: .whitespaces) } ?? "" }
            var present: [Int] = [], values: [Double] = []
            for (c, year) in years {
                let field = fields[c].trimmingCharacters(in: .whitespaces)
                if field.isEmpty || field.lowercased() == "nan" { continue }
                guard let v = Double(field), v.isFinite else {
                    throw ForcingError(.malformedCSV, "\(source) line \(lineNumber), variable '\(column("variable"))', year \(year): '\(field)' is not a number")
                }
                present.append(year)
                values.append(v)
            }
            rows.append(Row(model: column("model"), scenario: column("scenario"), region: column("region"), variable: column("variable"),
                            unit: column("unit"), line: lineNumber, years: present, values: values))
        }
        if header == nil { throw ForcingError(.malformedCSV, "\(source): no header line") }
    }

    /// The scenario names, in file order.
    public var scenarios: [String] {
        var seen = Set<String>(), out: [String] = []
        for r in rows where seen.insert(r.scenario).inserted { out.append(r.scenario) }
        return out
    }

    /// The rows of scenario `name` in `region`; throws `unknownScenario` naming the file and the scenarios it has.
    public func scenario(_ name: String, region: String = "World") throws(ForcingError) -> IAMCScenario {
        let selected = rows.filter { $0.scenario == name }
        guard !selected.isEmpty else {
            let have = scenarios.map { s in "'\(s)' (line \(rows.first { $0.scenario == s }?.line ?? 0))" }.joined(separator: ", ")
            throw ForcingError(.unknownScenario, "\(source): no scenario '\(name)' in the file; it has \(have.isEmpty ? "no rows" : have)")
        }
        let inRegion = selected.filter { $0.region == region }
        guard !inRegion.isEmpty else {
            let regions = Set(selected.map(\.region)).sorted().joined(separator: ", ")
            throw ForcingError(.unknownScenario, "\(source) line \(selected[0].line): scenario '\(name)' has no rows for region '\(region)' (regions: \(regions))")
        }
        var byVariable: [String: Row] = [:]
        for r in inRegion {
            if let earlier = byVariable[r.variable] {
                throw ForcingError(.malformedCSV, "\(source) line \(r.line): variable '\(r.variable)' of scenario '\(name)' repeats line \(earlier.line)")
            }
            byVariable[r.variable] = r
        }
        return IAMCScenario(source: source, name: name, region: region, rows: byVariable)
    }
}

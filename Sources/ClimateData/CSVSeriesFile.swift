import Foundation

/// A plain CSV file of global series a user brings as extra conditioning channels: a header `year` (and
/// optionally `month`, 1–12) plus named columns, then a `units` row giving each named column's unit, then one row
/// per year (or month). For example a global-mean temperature path from a simple climate model:
///
///     year,gmt
///     units,K
///     2015,1.10
///     2016,1.15
///
/// Lines starting with `#` are comments. Every row keeps its line, so errors name the file, the line and the column.
public struct CSVSeriesFile: Sendable {
    /// One column: its name, unit and values by (year, month); month is 0 in a yearly file.
    public struct Column: Sendable {
        /// Column name (the channel's name).
        public var name: String
        /// Unit from the units row.
        public var units: String
        /// Values keyed by year × 100 + month (month 0 when the file has no month column).
        public var values: [Int: Double]
    }

    /// Where it came from, for messages.
    public var source: String
    /// Whether rows are months (a `month` column) or years.
    public var isMonthly: Bool
    /// The named columns, in file order.
    public var columns: [Column]
    /// First and last (year, month) with a row.
    public var firstYear: Int, lastYear: Int

    /// Reads a file.
    public init(contentsOf url: URL) throws(ForcingError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ForcingError(.unreadableFile, "\(url.path): \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ForcingError(.unreadableFile, "\(url.path): not UTF-8 text") }
        try self.init(csv: text, source: url.path)
    }

    /// Parses CSV text; `source` names it in messages.
    public init(csv text: String, source: String) throws(ForcingError) {
        self.source = source
        var header: [String]? = nil
        var units: [String]? = nil
        var yearColumn = -1, monthColumn = -1
        var named: [(index: Int, name: String)] = []
        var values: [[Int: Double]] = []
        var lines: [Int: Int] = [:]
        var lineNumber = 0
        var first = Int.max, last = Int.min
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.first == "#" { continue }
            let fields = try CSVLine.fields(line, source: source, line: lineNumber).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let head = header else {
                header = fields
                for (i, f) in fields.enumerated() {
                    switch f.lowercased() {
                    case "year": yearColumn = i
                    case "month": monthColumn = i
                    default:
                        guard !f.isEmpty else { throw ForcingError(.missingColumn, "\(source) line \(lineNumber): column \(i + 1) has no name") }
                        guard !named.contains(where: { $0.name == f }) else {
                            throw ForcingError(.malformedCSV, "\(source) line \(lineNumber): column '\(f)' appears twice")
                        }
                        named.append((i, f))
                    }
                }
                guard yearColumn >= 0 else { throw ForcingError(.missingColumn, "\(source) line \(lineNumber): no 'year' column in the header") }
                guard !named.isEmpty else { throw ForcingError(.missingColumn, "\(source) line \(lineNumber): no series columns besides year/month") }
                values = Array(repeating: [:], count: named.count)
                continue
            }
            guard fields.count == head.count else {
                throw ForcingError(.malformedCSV, "\(source) line \(lineNumber): \(fields.count) fields, the header has \(head.count)")
            }
            guard let unitRow = units else {
                guard fields[yearColumn].lowercased() == "units" else {
                    throw ForcingError(.missingColumn, "\(source) line \(lineNumber): expected the units row ('units' in the year column, then each column's unit)")
                }
                for (i, name) in named where fields[i].isEmpty {
                    throw ForcingError(.unknownUnit, "\(source) line \(lineNumber): column '\(name)' has no unit (write 1 for a dimensionless series)")
                }
                units = fields
                continue
            }
            _ = unitRow
            guard let year = Int(fields[yearColumn]) else {
                throw ForcingError(.malformedCSV, "\(source) line \(lineNumber): year '\(fields[yearColumn])' is not a whole number")
            }
            var month = 0
            if monthColumn >= 0 {
                guard let m = Int(fields[monthColumn]), (1...12).contains(m) else {
                    throw ForcingError(.malformedCSV, "\(source) line \(lineNumber): month '\(fields[monthColumn])' is not 1-12")
                }
                month = m
            }
            let key = year * 100 + month
            if let earlier = lines[key] {
                throw ForcingError(.malformedCSV, "\(source) line \(lineNumber): \(year)\(month > 0 ? "-\(month)" : "") repeats line \(earlier)")
            }
            lines[key] = lineNumber
            for (k, (i, name)) in named.enumerated() {
                guard let v = Double(fields[i]), v.isFinite else {
                    throw ForcingError(.malformedCSV, "\(source) line \(lineNumber), column '\(name)': '\(fields[i])' is not a number")
                }
                values[k][key] = v
            }
            first = min(first, year)
            last = max(last, year)
        }
        guard header != nil, let unitRow = units else { throw ForcingError(.malformedCSV, "\(source): no header and units rows") }
        guard first <= last else { throw ForcingError(.missingYears, "\(source): no data rows") }
        isMonthly = monthColumn >= 0
        columns = named.enumerated().map { k, c in Column(name: c.name, units: unitRow[c.index], values: values[k]) }
        firstYear = first
        lastYear = last
    }

    /// The column called `name`; throws naming the file and the columns it has.
    public func column(_ name: String) throws(ForcingError) -> Column {
        guard let c = columns.first(where: { $0.name == name }) else {
            throw ForcingError(.missingSeries, "\(source): no column '\(name)' (columns: \(columns.map(\.name).joined(separator: ", ")))")
        }
        return c
    }

    /// The value of `column` for a frame in `year`/`month`: the month's row in a monthly file, the year's in a
    /// yearly one. Throws `missingYears` naming the file, the column and the date.
    public func value(_ column: Column, year: Int, month: Int) throws(ForcingError) -> Double {
        let key = year * 100 + (isMonthly ? month : 0)
        guard let v = column.values[key] else {
            throw ForcingError(.missingYears, "\(source): column '\(column.name)' has no value for \(year)\(isMonthly ? "-\(month)" : "") (the file covers \(firstYear)...\(lastYear))")
        }
        return v
    }
}

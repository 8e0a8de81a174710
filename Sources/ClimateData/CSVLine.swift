/// One line of a CSV file split into its fields: commas separate, double quotes enclose a field that holds
/// commas, `""` inside quotes is a quote. Used by the IAMC scenario files (and through them RCMIP's) and
/// the CSV series files.
enum CSVLine {
    /// The fields of `line`; `source` and `number` name it in the error for an unterminated quote.
    static func fields(_ line: Substring, source: String, line number: Int) throws(ForcingError) -> [String] {
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

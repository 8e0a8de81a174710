import Foundation

/// Minimal HTML text escaping for the report.
enum HTML {
    /// Escapes `&`, `<`, `>` and `"`.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// Escapes `|` for Markdown table cells.
    static func markdownCell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
}

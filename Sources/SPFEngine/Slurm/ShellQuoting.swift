/// POSIX shell quoting for values written into the batch scripts spfflow generates.
///
/// Every value that came from a manifest (node ids, paths, params) goes through `quote` so that
/// `;`, `$( )`, backquotes, quotes, globs and newlines are passed literally and never run.
public enum ShellQuoting {
    /// Single-quotes `value` for a POSIX shell: `'` becomes `'\''`; everything else is literal.
    /// Throws for a NUL byte, which no shell word (nor argv element) can carry.
    public static func quote(_ value: String) throws -> String {
        if value.unicodeScalars.contains(where: { $0.value == 0 }) {
            throw SlurmError(.invalidValue, "value contains a NUL byte and cannot be passed to a batch script: \(value.debugDescription)")
        }
        return "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

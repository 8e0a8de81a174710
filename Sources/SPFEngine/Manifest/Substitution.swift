import Foundation

/// `${name}` substitution in manifest strings: matrix bindings first, then top-level `vars:`, then `${env:NAME}` (an
/// empty environment variable is unset).
struct Substitution {
    /// Matrix values of the current expansion.
    var bindings: [String: String]
    /// Top-level `vars:`.
    var vars: [String: String]
    /// The process environment (for `${env:NAME}`).
    var environment: [String: String]

    /// Result of substituting: the text, and the names left unresolved (kept as `${name}`).
    struct Result {
        var text: String
        var unresolved: [String]
    }

    /// Replaces every resolvable `${name}`; unresolvable ones stay as written and are listed.
    func apply(_ text: String, keepUnresolved: Bool = true) -> Result {
        guard text.contains("${") else { return Result(text: text, unresolved: []) }
        var out = ""
        var unresolved: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                out += rest[start.lowerBound...]
                rest = ""
                break
            }
            let name = String(rest[start.upperBound..<end])
            if let v = lookup(name) {
                out += v
            } else {
                unresolved.append(name)
                out += "${\(name)}"
            }
            rest = rest[rest.index(after: end)...]
        }
        out += rest
        return Result(text: out, unresolved: unresolved)
    }

    private func lookup(_ name: String) -> String? {
        if let v = bindings[name] { return v }
        if let v = vars[name] { return v }
        // An empty environment variable counts as unset: `${env:NAME}` then names the variable to set.
        if name.hasPrefix("env:"), let v = environment[String(name.dropFirst(4))], !v.isEmpty { return v }
        return nil
    }

    /// What is wrong with an unresolved `${name}`: an environment variable that is not set, or a name that is
    /// neither a matrix axis nor one of `vars:`.
    static func unresolvedMessage(_ name: String) -> String {
        if name.hasPrefix("env:") {
            let variable = name.dropFirst(4)
            return "environment variable \(variable) is not set (or empty): the manifest reads it as '${\(name)}'; "
                + "set it before running, e.g. `export \(variable)=...`"
        }
        return "unknown variable '${\(name)}': not a matrix axis of this node, nor one of the manifest's vars"
    }

    /// The variable names a text mentions.
    static func names(in text: String) -> [String] {
        Substitution(bindings: [:], vars: [:], environment: [:]).apply(text).unresolved
    }
}

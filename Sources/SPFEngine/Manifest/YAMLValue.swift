import Foundation
import Yams

/// A YAML tree with every position kept (built from Yams' Node API), so errors can name line and column.
indirect enum YAMLValue: Sendable {
    /// A scalar: its text, whether it was plain (unquoted: may be a number/bool/null), and where.
    case scalar(String, plain: Bool, SourceLocation)
    /// A mapping in document order.
    case mapping([(key: String, keyLocation: SourceLocation, value: YAMLValue)], SourceLocation)
    /// A sequence.
    case sequence([YAMLValue], SourceLocation)

    /// Where the value starts.
    var location: SourceLocation {
        switch self {
        case .scalar(_, _, let l), .mapping(_, let l), .sequence(_, let l): l
        }
    }

    /// The scalar text, if a scalar.
    var scalarString: String? {
        if case .scalar(let s, _, _) = self { return s }
        return nil
    }

    /// The value under `key` in a mapping.
    subscript(key: String) -> YAMLValue? {
        guard case .mapping(let pairs, _) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    /// What the value is, for messages ("a mapping", "a list", "a scalar").
    var shapeName: String {
        switch self {
        case .scalar: "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }

    /// Parses YAML text; syntax errors become `EngineError(.invalidYAML)` with the line and column.
    static func parse(_ text: String, file: String) throws -> YAMLValue? {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw yamlError(error, file: file)
        } catch {
            throw EngineError(.invalidYAML, "invalid YAML: \(error)", file: file)
        }
        guard let node else { return nil }
        return try convert(node, file: file, depth: 0)
    }

    private static func convert(_ node: Node, file: String, depth: Int) throws -> YAMLValue {
        let loc = SourceLocation(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
        guard depth < 200 else { throw EngineError(.invalidManifest, "YAML nested too deeply", at: loc) }
        switch node {
        case .scalar(let s):
            return .scalar(s.string, plain: s.style == .plain || s.style == .any, loc)
        case .sequence(let seq):
            return .sequence(try seq.map { try convert($0, file: file, depth: depth + 1) }, loc)
        case .mapping(let map):
            var pairs: [(key: String, keyLocation: SourceLocation, value: YAMLValue)] = []
            var seen: Set<String> = []
            for (k, v) in map {
                let kl = SourceLocation(file: file, line: k.mark?.line ?? loc.line, column: k.mark?.column ?? loc.column)
                guard case .scalar(let ks) = k else {
                    throw EngineError(.invalidManifest, "mapping keys must be plain strings", at: kl)
                }
                guard seen.insert(ks.string).inserted else {
                    throw EngineError(.invalidManifest, "duplicate key '\(ks.string)'", at: kl)
                }
                pairs.append((ks.string, kl, try convert(v, file: file, depth: depth + 1)))
            }
            return .mapping(pairs, loc)
        case .alias:
            throw EngineError(.invalidManifest, "YAML aliases are not supported in manifests", at: loc)
        }
    }

    /// A hint for the commonest mistake: `${var}` unquoted inside a `{...}` flow mapping.
    private static func hint(_ yaml: String, line: Int) -> String {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        // YAML counts line breaks this split does not (\r, U+2028, …), so the line may lie past the end.
        let upper = min(lines.count, max(0, line + 1))
        let nearby = lines[min(max(0, line - 2), upper)..<upper]
        guard nearby.contains(where: { $0.contains("${") && $0.contains("{") && $0.contains("}") }) else { return "" }
        return "; hint: inside a {...} mapping, quote values that use ${...}, e.g. {data: \"gen-${m}\"}"
    }

    private static func yamlError(_ error: YamlError, file: String) -> EngineError {
        switch error {
        case .scanner(let context, let problem, let mark, let yaml), .parser(let context, let problem, let mark, let yaml),
             .composer(let context, let problem, let mark, let yaml):
            let ctx = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return EngineError(.invalidYAML, "invalid YAML: \(problem)\(ctx)\(hint(yaml, line: mark.line))", file: file, line: mark.line, column: mark.column)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return EngineError(.invalidYAML, "invalid YAML: duplicate key(s) \(duplicates.sorted().joined(separator: ", "))",
                               file: file, line: context.mark.line, column: context.mark.column)
        case .reader(let problem, let offset, _, _):
            return EngineError(.invalidYAML, "invalid YAML: \(problem)\(offset.map { " at byte \($0)" } ?? "")", file: file, line: 1, column: 1)
        default:
            return EngineError(.invalidYAML, "invalid YAML: \(error)", file: file, line: 1, column: 1)
        }
    }
}

import Foundation

/// Converts manifest YAML values to typed `ParamValue`s, with a message naming the expected type on mismatch.
enum ParamConversion {
    /// A message describing why a value does not fit (nil = fits).
    struct Mismatch: Error { let message: String }

    /// The generic reading of a plain scalar: null, bool, int, double or string.
    static func resolvePlain(_ s: String) -> ParamValue {
        switch s {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let i = Int(s) { return .int(i) }
        if let d = parseDouble(s) { return .double(d) }
        return .string(s)
    }

    static func parseDouble(_ s: String) -> Double? {
        switch s {
        case ".inf", ".Inf", ".INF", "+.inf": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default:
            guard let first = s.first, first.isNumber || first == "-" || first == "+" || first == "." else { return nil }
            return Double(s)
        }
    }

    /// Any YAML value as a generic ParamValue (used for `object` params).
    static func generic(_ v: YAMLValue, _ sub: (String) -> String) -> ParamValue {
        switch v {
        case .scalar(let s, let plain, _):
            let text = sub(s)
            return (plain || s.contains("${")) ? resolvePlain(text) : .string(text)
        case .sequence(let items, _): return .list(items.map { generic($0, sub) })
        case .mapping(let pairs, _):
            var map: [String: ParamValue] = [:]
            for p in pairs { map[p.key] = generic(p.value, sub) }
            return .object(map)
        }
    }

    /// Checks and converts `v` to `type`; `sub` applies `${...}` substitution to scalar text.
    static func convert(_ v: YAMLValue, to type: ParamType, sub: (String) -> String) throws -> ParamValue {
        switch type {
        case .object:
            guard case .mapping = v else { throw Mismatch(message: "expected \(type), got \(v.shapeName)") }
            return generic(v, sub)
        case .intList, .doubleList, .stringList:
            guard case .sequence(let items, _) = v else { throw Mismatch(message: "expected \(type), got \(v.shapeName)") }
            let element: ParamType = type == .intList ? .int : type == .doubleList ? .double : .string
            return .list(try items.map { item in
                do { return try convert(item, to: element, sub: sub) } catch let m as Mismatch {
                    throw Mismatch(message: "expected \(type): element \(m.message.replacingOccurrences(of: "expected ", with: "is not "))")
                }
            })
        case .int, .double, .string, .bool, .path:
            guard case .scalar(let raw, let plain, _) = v else { throw Mismatch(message: "expected \(type), got \(v.shapeName)") }
            let text = sub(raw)
            if type == .string || type == .path { return .string(text) }
            let resolved = (plain || raw.contains("${")) ? resolvePlain(text) : .string(text)
            switch (type, resolved) {
            case (.int, .int): return resolved
            case (.double, .double): return resolved
            case (.double, .int(let i)): return .double(Double(i))
            case (.bool, .bool): return resolved
            default: throw Mismatch(message: "expected \(type), got '\(text)'")
            }
        }
    }
}

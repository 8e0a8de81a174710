import Foundation

/// A JSON-like parameter value as read from a manifest (after defaults and type coercion).
public indirect enum ParamValue: Sendable, Hashable {
    /// A whole number.
    case int(Int)
    /// A real number.
    case double(Double)
    /// A string.
    case string(String)
    /// A boolean.
    case bool(Bool)
    /// An ordered list.
    case list([ParamValue])
    /// A map; key order never matters (canonical form sorts keys).
    case object([String: ParamValue])
    /// An explicit null.
    case null

    /// The canonical JSON text: sorted keys, no whitespace, shortest round-trip numbers.
    /// Two values that mean the same thing have the same canonical form (what cache keys hash).
    public var canonicalJSON: String {
        var out = ""
        appendCanonical(to: &out)
        return out
    }

    func appendCanonical(to out: inout String) {
        switch self {
        case .int(let v): out += String(v)
        case .double(let v):
            if v.isNaN { out += "\"NaN\"" } else if v.isInfinite { out += v > 0 ? "\"Infinity\"" : "\"-Infinity\"" } else if v == v.rounded(), abs(v) < 1e15 {
                // Whole doubles print with one decimal so they never collide with ints: 1.0 vs 1.
                out += String(format: "%.1f", v)
            } else {
                out += "\(v)"
            }
        case .string(let s): ParamValue.appendJSONString(s, to: &out)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .list(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.appendCanonical(to: &out)
            }
            out += "]"
        case .object(let map):
            out += "{"
            for (i, key) in map.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                ParamValue.appendJSONString(key, to: &out)
                out += ":"
                map[key]?.appendCanonical(to: &out)
            }
            out += "}"
        }
    }

    static func appendJSONString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// A short human-readable rendering (used by `plan` to say what a param changed from and to).
    public var display: String { canonicalJSON }

    /// The value as a Foundation JSON object (for JSONSerialization).
    public var jsonObject: Any {
        switch self {
        case .int(let v): v
        case .double(let v): v
        case .string(let v): v
        case .bool(let v): v
        case .null: NSNull()
        case .list(let items): items.map(\.jsonObject)
        case .object(let map): map.mapValues(\.jsonObject)
        }
    }
}

extension ParamValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// `default: 3`
    public init(integerLiteral value: Int) { self = .int(value) }
    /// `default: 0.5`
    public init(floatLiteral value: Double) { self = .double(value) }
    /// `default: "mean"`
    public init(stringLiteral value: String) { self = .string(value) }
    /// `default: true`
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// `default: [1, 2]`
    public init(arrayLiteral elements: ParamValue...) { self = .list(elements) }
    /// `default: ["a": 1]`
    public init(dictionaryLiteral elements: (String, ParamValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

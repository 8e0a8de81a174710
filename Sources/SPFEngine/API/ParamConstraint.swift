/// What a param's value must satisfy beyond its type: part of the kind's declaration, checked for
/// every node when the manifest loads (an error names file:line:col, the node, the param and what
/// is allowed), and printed by `spfflow kinds NAME`.
public enum ParamConstraint: Sendable, Hashable, CustomStringConvertible {
    /// A string (or each string of a list) is one of these.
    case oneOf([String])
    /// A number (or each number of a list) lies in `min...max` (either bound may be infinite).
    case range(min: Double, max: Double)
    /// A list has this many elements.
    case count(ClosedRange<Int>)

    /// A number at least `min`.
    public static func atLeast(_ min: Double) -> ParamConstraint { .range(min: min, max: .infinity) }

    /// How the constraint reads in messages and the reference.
    public var description: String {
        switch self {
        case .oneOf(let choices): return "one of \(choices.joined(separator: ", "))"
        case .range(let lo, let hi):
            if hi == .infinity { return "≥ \(Self.number(lo))" }
            if lo == -.infinity { return "≤ \(Self.number(hi))" }
            return "\(Self.number(lo))…\(Self.number(hi))"
        case .count(let r): return r.lowerBound == r.upperBound ? "\(r.lowerBound) elements" : "\(r.lowerBound)…\(r.upperBound) elements"
        }
    }

    /// Why `value` does not satisfy the constraint, or nil when it does. Values of another shape
    /// (a string where a range is declared) are left to the type check.
    public func problem(with value: ParamValue) -> String? {
        switch (self, value) {
        case (.oneOf(let choices), .string(let s)):
            return choices.contains(s) ? nil : "'\(s)' is not allowed (allowed: \(choices.joined(separator: ", ")))"
        case (.range(let lo, let hi), .int(let i)):
            return Double(i) >= lo && Double(i) <= hi ? nil : "\(i) is out of range (\(description))"
        case (.range(let lo, let hi), .double(let d)):
            return d >= lo && d <= hi ? nil : "\(Self.number(d)) is out of range (\(description))"
        case (.count(let r), .list(let items)):
            return r.contains(items.count) ? nil : "has \(items.count) element\(items.count == 1 ? "" : "s"), needs \(description)"
        case (.oneOf, .list(let items)), (.range, .list(let items)):
            for (i, item) in items.enumerated() {
                if let p = problem(with: item) { return "element \(i + 1): \(p)" }
            }
            return nil
        default:
            return nil
        }
    }

    static func number(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : "\(d)"
    }
}

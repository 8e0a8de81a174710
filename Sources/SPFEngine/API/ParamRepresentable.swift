/// A Swift type a `@Param` can hold: it names the manifest type it is checked against and converts
/// to and from the checked `ParamValue` (what cache keys hash, so the conversion must be exact).
///
/// Conformances: `Int`, `Double`, `String`, `Bool`, ``ParamPath``, arrays of `Int`, `Double`,
/// `String` or a ``ParamChoice`` enum, `Optional` of any of them (nil is `null`), and
/// `[String: ParamValue]` for a free-form map.
public protocol ParamRepresentable: Sendable {
    /// The manifest type values are checked against.
    static var paramType: ParamType { get }
    /// Constraints the type itself implies (an enum's choices); the declaration's own follow them.
    static var implicitConstraints: [ParamConstraint] { get }
    /// The value from a checked `ParamValue`; nil when it has another shape.
    init?(paramValue: ParamValue)
    /// The value as the engine stores it (defaults, keys, provenance).
    var paramValue: ParamValue { get }
}

extension ParamRepresentable {
    /// Default: no implied constraints.
    public static var implicitConstraints: [ParamConstraint] { [] }
}

/// A type whose arrays are list params (`[Int]` is an `intList`).
public protocol ParamListElement: ParamRepresentable {
    /// The type of a list of these.
    static var listType: ParamType { get }
}

extension Int: ParamListElement {
    public static var paramType: ParamType { .int }
    public static var listType: ParamType { .intList }
    public init?(paramValue: ParamValue) {
        guard case .int(let v) = paramValue else { return nil }
        self = v
    }
    public var paramValue: ParamValue { .int(self) }
}

extension Double: ParamListElement {
    public static var paramType: ParamType { .double }
    public static var listType: ParamType { .doubleList }
    /// A whole number is widened (the loader already stores doubles, but a default may be written as an int).
    public init?(paramValue: ParamValue) {
        switch paramValue {
        case .double(let v): self = v
        case .int(let v): self = Double(v)
        default: return nil
        }
    }
    public var paramValue: ParamValue { .double(self) }
}

extension String: ParamListElement {
    public static var paramType: ParamType { .string }
    public static var listType: ParamType { .stringList }
    public init?(paramValue: ParamValue) {
        guard case .string(let v) = paramValue else { return nil }
        self = v
    }
    public var paramValue: ParamValue { .string(self) }
}

extension Bool: ParamRepresentable {
    public static var paramType: ParamType { .bool }
    public init?(paramValue: ParamValue) {
        guard case .bool(let v) = paramValue else { return nil }
        self = v
    }
    public var paramValue: ParamValue { .bool(self) }
}

extension Array: ParamRepresentable where Element: ParamListElement {
    public static var paramType: ParamType { Element.listType }
    /// An enum's choices apply to every element.
    public static var implicitConstraints: [ParamConstraint] { Element.implicitConstraints }
    public init?(paramValue: ParamValue) {
        guard case .list(let items) = paramValue else { return nil }
        var out: [Element] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard let e = Element(paramValue: item) else { return nil }
            out.append(e)
        }
        self = out
    }
    public var paramValue: ParamValue { .list(map(\.paramValue)) }
}

extension Optional: ParamRepresentable where Wrapped: ParamRepresentable {
    public static var paramType: ParamType { Wrapped.paramType }
    public static var implicitConstraints: [ParamConstraint] { Wrapped.implicitConstraints }
    /// `null` is nil.
    public init?(paramValue: ParamValue) {
        if case .null = paramValue { self = .none; return }
        guard let v = Wrapped(paramValue: paramValue) else { return nil }
        self = .some(v)
    }
    public var paramValue: ParamValue { map(\.paramValue) ?? .null }
}

extension Dictionary: ParamRepresentable where Key == String, Value == ParamValue {
    public static var paramType: ParamType { .object }
    public init?(paramValue: ParamValue) {
        guard case .object(let v) = paramValue else { return nil }
        self = v
    }
    public var paramValue: ParamValue { .object(self) }
}

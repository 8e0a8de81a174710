/// An enum-like param: its cases' raw values are the only strings a manifest may give, checked when
/// the manifest loads and listed by `spfflow kinds` (the choices are declared once, by the cases).
///
/// ```swift
/// enum RegridMethod: String, CaseIterable, ParamChoice { case conservative, bilinear }
/// @Param("method", doc: "how values are interpolated") var method: RegridMethod = .conservative
/// ```
public protocol ParamChoice: ParamListElement, CaseIterable, RawRepresentable where RawValue == String {}

extension ParamChoice {
    public static var paramType: ParamType { .string }
    public static var listType: ParamType { .stringList }
    /// The cases' raw values, in declaration order.
    public static var implicitConstraints: [ParamConstraint] { [.oneOf(allCases.map(\.rawValue))] }
    public init?(paramValue: ParamValue) {
        guard case .string(let s) = paramValue, let v = Self(rawValue: s) else { return nil }
        self = v
    }
    public var paramValue: ParamValue { .string(rawValue) }
}

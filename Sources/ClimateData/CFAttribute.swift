import CNetCDF

/// The value of a netCDF attribute: text, or numbers (converted to Double; the original type is kept).
public enum CFAttribute: Sendable, Hashable, CustomStringConvertible {
    /// A text (NC_CHAR) or string (NC_STRING) attribute.
    case text(String)
    /// A numeric attribute, with its netCDF type id (NC_FLOAT, NC_DOUBLE, NC_INT …).
    case numbers([Double], type: Int32)

    /// The text, if this is text.
    public var text: String? { if case .text(let s) = self { return s }; return nil }

    /// The numbers, if numeric.
    public var numbers: [Double]? { if case .numbers(let v, _) = self { return v }; return nil }

    /// The first number, if numeric.
    public var number: Double? { numbers?.first }

    /// How ncdump would roughly print it.
    public var description: String {
        switch self {
        case .text(let s): return "\"\(s)\""
        case .numbers(let v, _): return v.map { "\($0)" }.joined(separator: ", ")
        }
    }
}

extension CFAttribute {
    /// A single NC_INT attribute (CMOR's `realization_index` and the like).
    public static func integer(_ value: Int) -> CFAttribute { .numbers([Double(value)], type: NC_INT) }
}

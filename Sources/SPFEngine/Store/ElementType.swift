import CH5Zstd
import CHDF5

/// The element types a stored dataset can hold.
public enum ElementType: String, Sendable, Codable, CaseIterable {
    /// IEEE 754 binary32.
    case float32
    /// IEEE 754 binary64.
    case float64
    /// Signed 32-bit integer.
    case int32
    /// Signed 64-bit integer.
    case int64

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .float64, .int64: return 8
        }
    }

    /// Whether byte shuffle is applied by default (floating-point data).
    public var shufflesByDefault: Bool { self == .float32 || self == .float64 }

    /// The HDF5 native type id (owned by the library; never closed).
    var nativeType: hid_t {
        switch self {
        case .float32: return spf_h5t_native_float()
        case .float64: return spf_h5t_native_double()
        case .int32: return spf_h5t_native_int32()
        case .int64: return spf_h5t_native_int64()
        }
    }

    /// The element type of an HDF5 datatype, when it is one of ours (any byte order).
    static func from(hdf5Type type: hid_t) -> ElementType? {
        let cls = H5Tget_class(type)
        let size = H5Tget_size(type)
        if cls == H5T_FLOAT {
            if size == 4 { return .float32 }
            if size == 8 { return .float64 }
        } else if cls == H5T_INTEGER, H5Tget_sign(type) == H5T_SGN_2 {
            if size == 4 { return .int32 }
            if size == 8 { return .int64 }
        }
        return nil
    }
}

/// A Swift scalar type that maps to a stored `ElementType` (Float, Double, Int32, Int64).
public protocol StorableScalar: Sendable, BitwiseCopyable {
    /// The stored element type of this Swift type.
    static var elementType: ElementType { get }
    /// The zero value, used to pad and allocate.
    static var storageZero: Self { get }
}

extension Float: StorableScalar {
    /// float32.
    public static var elementType: ElementType { .float32 }
    /// 0.
    public static var storageZero: Float { 0 }
}

extension Double: StorableScalar {
    /// float64.
    public static var elementType: ElementType { .float64 }
    /// 0.
    public static var storageZero: Double { 0 }
}

extension Int32: StorableScalar {
    /// int32.
    public static var elementType: ElementType { .int32 }
    /// 0.
    public static var storageZero: Int32 { 0 }
}

extension Int64: StorableScalar {
    /// int64.
    public static var elementType: ElementType { .int64 }
    /// 0.
    public static var storageZero: Int64 { 0 }
}

import Foundation

/// Float arrays in JSON metadata as base64 little-endian float32: bit-exact, and about a third the size of decimal
/// text (the model's metadata carries the per-cell climatology and scales this way).
enum Float32Base64 {
    /// The base64 text of `values`.
    static func encode(_ values: [Float]) -> String {
        var bytes = Data(capacity: values.count * 4)
        for v in values {
            let bits = v.bitPattern
            bytes.append(contentsOf: [UInt8(bits & 0xff), UInt8((bits >> 8) & 0xff), UInt8((bits >> 16) & 0xff), UInt8(bits >> 24)])
        }
        return bytes.base64EncodedString()
    }

    /// The floats of base64 text, nil when it is not base64 or not a whole number of float32 values.
    static func decode(_ text: String) -> [Float]? {
        guard let bytes = Data(base64Encoded: text), bytes.count % 4 == 0 else { return nil }
        return stride(from: 0, to: bytes.count, by: 4).map { i -> Float in
            let b = bytes.index(bytes.startIndex, offsetBy: i)
            let bits = UInt32(bytes[b]) | UInt32(bytes[b + 1]) << 8 | UInt32(bytes[b + 2]) << 16 | UInt32(bytes[b + 3]) << 24
            return Float(bitPattern: bits)
        }
    }
}

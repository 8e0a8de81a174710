import ClimateData
import Foundation
import SPFEngine

/// CMIP's `tracking_id` (`hdl:21.14100/<UUID>`), derived from what the file holds instead of drawn at
/// random, so the same product exported twice gets the same ids and cached exports stay reproducible.
///
/// The UUID is name-based like a version-5 UUID, but hashed with SHA-256 (RFC 9562's version 8, whose
/// appendix gives exactly this SHA-256 name-based example): the first 16 bytes of
/// SHA-256("spfflow tracking_id v1\n" + name), with the version nibble set to 8 and the variant to 10.
/// The name is the file's DRS path without its version, the SHA-256 of its data values and of its
/// other global attributes; so a new version of unchanged data keeps its id, and any change of data
/// or metadata (but `creation_date`) gives a new one.
enum CMIPTrackingID {
    /// The handle CMIP6 writes, `hdl:21.14100/xxxxxxxx-xxxx-8xxx-yxxx-xxxxxxxxxxxx`.
    static func handle(name: String) -> String { "hdl:21.14100/" + uuid(name: name) }

    /// The name-based UUID of `name` (lower-case, hyphenated).
    static func uuid(name: String) -> String {
        var bytes = Array(SHA256.digest("spfflow tracking_id v1\n" + name).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = SHA256.hex(bytes)
        let h = Array(hex)
        return [h[0..<8], h[8..<12], h[12..<16], h[16..<20], h[20..<32]].map { String($0) }.joined(separator: "-")
    }

    /// SHA-256 (hex) of float values' bytes (the data of one file).
    static func digest(of values: [Float]) -> String {
        SHA256.hex(values.withUnsafeBytes { SHA256.digest($0.baseAddress, count: $0.count) })
    }

    /// SHA-256 (hex) of global attributes, in order, as `name=value` lines.
    static func digest(of attributes: [(name: String, value: CFAttribute)]) -> String {
        SHA256.hex(of: attributes.map { "\($0.name)=\($0.value.description)" }.joined(separator: "\n"))
    }
}

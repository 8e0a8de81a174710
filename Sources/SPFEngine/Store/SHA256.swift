import COpenSSLCrypto
import Foundation

/// SHA-256 through OpenSSL's EVP interface (uses the CPU's SHA extensions when present).
package enum SHA256 {
    /// The 32-byte digest of `count` bytes at `bytes`.
    package static func digest(_ bytes: UnsafeRawPointer?, count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let dummy: UInt8 = 0
        withUnsafePointer(to: dummy) { empty in
            _ = out.withUnsafeMutableBufferPointer { o in
                EVP_Digest(bytes ?? UnsafeRawPointer(empty), count, o.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        return out
    }

    /// The digest of a byte array.
    package static func digest(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { digest($0.baseAddress, count: $0.count) }
    }

    /// The digest of a string's UTF-8 bytes.
    package static func digest(_ text: String) -> [UInt8] { digest(Array(text.utf8)) }

    /// Lower-case hex of a digest.
    package static func hex(_ digest: [UInt8]) -> String {
        let table = Array("0123456789abcdef".utf8)
        var chars = [UInt8]()
        chars.reserveCapacity(digest.count * 2)
        for b in digest {
            chars.append(table[Int(b >> 4)])
            chars.append(table[Int(b & 15)])
        }
        return String(decoding: chars, as: UTF8.self)
    }

    /// Hex digest of a string's UTF-8 bytes.
    package static func hex(of text: String) -> String { hex(digest(text)) }
}

/// An incremental SHA-256 (for files and combined digests).
package final class SHA256Hasher {
    private let context: OpaquePointer?

    /// Starts a new hash.
    package init() {
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds bytes.
    package func update(_ bytes: UnsafeRawPointer, count: Int) {
        EVP_DigestUpdate(context, bytes, count)
    }

    /// Adds a byte array.
    package func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { if let b = $0.baseAddress { update(b, count: $0.count) } }
    }

    /// Adds a string's UTF-8 bytes.
    package func update(_ text: String) { update(Array(text.utf8)) }

    /// Finishes and returns the 32-byte digest.
    package func finish() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        return out
    }
}

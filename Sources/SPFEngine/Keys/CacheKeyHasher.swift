import COpenSSLCrypto
import Foundation

/// Incremental SHA-256 over bytes (libcrypto's EVP interface); `hexDigest` finishes it.
package final class CacheKeyHasher {
    private let context: OpaquePointer?

    /// Starts an empty hash.
    package init() {
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Feeds raw bytes.
    package func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        EVP_DigestUpdate(context, base, buffer.count)
    }

    /// Feeds bytes.
    package func update(_ data: Data) { data.withUnsafeBytes { update($0) } }

    /// Feeds a string's UTF-8 bytes.
    package func update(_ string: String) {
        var s = string
        s.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// The digest as 64 lowercase hex characters (call once).
    package func hexDigest() -> String {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &out, &length)
        return CacheKeyHasher.hex(out.prefix(Int(length)))
    }

    /// SHA-256 of a string, hex.
    package static func hex(of string: String) -> String {
        let h = CacheKeyHasher()
        h.update(string)
        return h.hexDigest()
    }

    static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var chars = [UInt8]()
        chars.reserveCapacity(bytes.count * 2)
        for b in bytes {
            chars.append(digits[Int(b >> 4)])
            chars.append(digits[Int(b & 15)])
        }
        return String(decoding: chars, as: UTF8.self)
    }
}

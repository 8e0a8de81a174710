import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The space of the file system holding a path (statvfs), and how the store recognises a write that
/// failed for lack of it (ENOSPC, EDQUOT).
public struct FileSystemSpace: Sendable, Equatable {
    /// Bytes an unprivileged writer may still use.
    public var availableBytes: Int64
    /// Size of the file system in bytes.
    public var totalBytes: Int64

    /// Makes a figure.
    public init(availableBytes: Int64, totalBytes: Int64) {
        self.availableBytes = availableBytes
        self.totalBytes = totalBytes
    }

    /// The file system of `url` (nil when statvfs fails, e.g. the path is gone).
    public static func of(_ url: URL) -> FileSystemSpace? {
        var st = statvfs()
        guard statvfs(url.path, &st) == 0 else { return nil }
        let unit = Int64(st.f_frsize > 0 ? st.f_frsize : st.f_bsize)
        return FileSystemSpace(availableBytes: Int64(st.f_bavail) * unit, totalBytes: Int64(st.f_blocks) * unit)
    }

    /// Below this many free bytes a write of a node may well have failed for lack of space.
    public static let nearlyFullBytes: Int64 = 16 << 20

    /// True when less than ``nearlyFullBytes`` are free.
    public var isNearlyFull: Bool { availableBytes < Self.nearlyFullBytes }

    /// `12.0 MiB free of 64.0 MiB`.
    public var text: String { "\(Self.bytesText(availableBytes)) free of \(Self.bytesText(totalBytes))" }

    /// Whether an errno value means the file system or the quota is full.
    public static func isOutOfSpace(errno code: Int32) -> Bool { code == ENOSPC || code == EDQUOT }

    /// Whether a message (an HDF5 error-stack entry, a library's error text) reports a full file system.
    public static func mentionsOutOfSpace(_ text: String) -> Bool {
        text.contains("No space left on device") || text.contains("Disk quota exceeded")
            || text.contains("errno = \(ENOSPC),") || text.contains("errno = \(EDQUOT),")
    }

    /// Bytes as `512 B`, `3.4 KiB`, `12.0 MiB`, `1.5 GiB`.
    public static func bytesText(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}

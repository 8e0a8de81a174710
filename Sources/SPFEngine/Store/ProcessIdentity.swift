import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// This process's host and PID, and liveness checks of other processes on this host.
package enum ProcessIdentity {
    /// The host name (gethostname).
    package static var host: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, 255) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// This process's id.
    package static var pid: Int32 { getpid() }

    /// Whether a process with this id exists on this host.
    package static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) == 0 { return true }
        return errno == EPERM
    }

    /// Peak resident set size of this process image in bytes: VmHWM from /proc/self/status (reset by
    /// exec, unlike getrusage's ru_maxrss, which Linux carries over from the parent), else ru_maxrss.
    package static var peakResidentBytes: Int64 {
        // try?: without /proc, getrusage's figure below stands in
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kib = Int64(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") {
            return kib * 1024
        }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int64(usage.ru_maxrss) * 1024
    }
}

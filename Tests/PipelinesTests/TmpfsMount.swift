import Foundation

/// A size-limited tmpfs mounted on a directory for a test (as root), remountable with another size.
struct TmpfsMount {
    /// A mount command that failed.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The mount point.
    let directory: URL

    /// Why a test cannot mount a tmpfs here (not root, or mounting is refused, e.g. in an unprivileged
    /// container); nil when it can.
    static let unavailableReason: String? = {
        guard getuid() == 0 else { return "not root: mounting a tmpfs needs root (make test runs the tests as root in CI)" }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-tmpfs-probe-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: probe) }
        do {
            let mount = try TmpfsMount(at: probe, megabytes: 1)
            mount.unmount()
            return nil
        } catch {
            return "cannot mount a tmpfs: \(error)"
        }
    }()

    /// Creates `directory` and mounts a tmpfs of `megabytes` MiB on it.
    init(at directory: URL, megabytes: Int) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.mountCommand(["-t", "tmpfs", "-o", "size=\(megabytes)M", "tmpfs", directory.path])
    }

    /// Changes the size of the mounted file system, keeping its contents.
    func remount(megabytes: Int) throws {
        try Self.mountCommand(["-o", "remount,size=\(megabytes)M", directory.path])
    }

    /// Unmounts (lazily, so a straggling process cannot keep it busy).
    func unmount() {
        _ = try? Self.command("/bin/umount", ["-l", directory.path])
    }

    /// Bytes available on the mounted file system.
    var availableBytes: Int64 {
        var st = statvfs()
        guard statvfs(directory.path, &st) == 0 else { return -1 }
        return Int64(st.f_bavail) * Int64(st.f_frsize)
    }

    private static func mountCommand(_ arguments: [String]) throws {
        let (status, output) = try command("/bin/mount", arguments)
        guard status == 0 else {
            throw Failure(description: "mount \(arguments.joined(separator: " ")) exited \(status): \(output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    private static func command(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

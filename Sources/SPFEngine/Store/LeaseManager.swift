import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Leases on keys in `leases/`: one process computes a node while others wait for it. A lease
/// whose owner is gone is broken automatically: the owner's `flock` vanishes with its process (a dead
/// PID on this host), or its heartbeat is older than the time-to-live (a hung or remote owner).
public final class LeaseManager: Sendable {
    /// What `tryAcquire` found.
    public enum Attempt: Sendable {
        /// The lease is ours; `broken` is the abandoned lease it replaced, if any.
        case acquired(Lease, broken: LeaseInfo?)
        /// Someone else holds it (info may be nil while the owner is still writing it).
        case held(LeaseInfo?)
    }

    /// The leases directory.
    public let directory: URL
    /// Seconds without heartbeat after which a lease is abandoned.
    public let ttlSeconds: Double
    /// Seconds between heartbeats of held leases.
    public let heartbeatInterval: Double

    /// Makes a manager for `directory` (created if missing).
    public init(directory: URL, ttlSeconds: Double = 120, heartbeatInterval: Double? = nil) throws {
        self.directory = directory
        self.ttlSeconds = ttlSeconds
        self.heartbeatInterval = heartbeatInterval ?? max(0.05, ttlSeconds / 4)
        try FileTree.makeDirectory(directory)
    }

    /// The lease file of a key.
    public func url(for key: String) -> URL { directory.appendingPathComponent(key + ".lease") }

    /// Tries once to take the lease on `key`, breaking an abandoned one.
    public func tryAcquire(_ key: String, runId: String? = nil, slurmJobId: String? = nil) throws -> Attempt {
        let path = url(for: key).path
        return try withGuard { () throws -> Attempt in
            for _ in 0..<3 {
                let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
                guard fd >= 0 else { throw StoreError(.io, "cannot open lease: \(String(cString: strerror(errno)))", path: path) }
                if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                    var mine = stat(), there = stat()
                    guard fstat(fd, &mine) == 0, stat(path, &there) == 0, mine.st_ino == there.st_ino else {
                        close(fd)  // the file was replaced between open and flock: retry
                        continue
                    }
                    // Whoever wrote an existing lease is gone: the kernel dropped its lock.
                    let previous = LeaseManager.readInfo(fd: fd)
                    let now = Date()
                    let info = LeaseInfo(key: key, host: ProcessIdentity.host, pid: ProcessIdentity.pid, startedAt: now,
                                         heartbeatAt: now, ttlSeconds: ttlSeconds, runId: runId, slurmJobId: slurmJobId)
                    do { try LeaseManager.writeInfo(info, to: fd, path: path) } catch { close(fd); throw error }
                    let lease = Lease(url: URL(fileURLWithPath: path), fd: fd, info: info, manager: self,
                                      heartbeatInterval: heartbeatInterval)
                    return .acquired(lease, broken: previous)
                }
                let holder = LeaseManager.readInfo(fd: fd)
                close(fd)
                guard let holder else { return .held(nil) }
                let deadHere = holder.host == ProcessIdentity.host && !ProcessIdentity.isAlive(holder.pid)
                if deadHere || holder.isExpired() {
                    unlink(path)  // abandoned: the next loop creates a fresh lease file
                    continue
                }
                return .held(holder)
            }
            return .held(nil)
        }
    }

    /// Takes the lease on `key`, waiting while a live owner holds it. `onWait` is called once per
    /// poll with the holder. Throws `.leaseTimeout` after `timeout` seconds (nil waits forever).
    public func acquire(_ key: String, runId: String? = nil, slurmJobId: String? = nil, pollInterval: Double = 0.1,
                        timeout: Double? = nil, onWait: ((LeaseInfo?) -> Void)? = nil) throws -> Lease {
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        while true {
            switch try tryAcquire(key, runId: runId, slurmJobId: slurmJobId) {
            case .acquired(let lease, _):
                return lease
            case .held(let holder):
                if let deadline, Date() > deadline {
                    throw StoreError(.leaseTimeout, "lease on \(key) still held by \(holder.map { "\($0.host):\($0.pid)" } ?? "another process")",
                                     path: url(for: key).path)
                }
                onWait?(holder)
                Thread.sleep(forTimeInterval: pollInterval)
            }
        }
    }

    /// The current holder of `key`, if the lease file exists and parses.
    public func holder(of key: String) -> LeaseInfo? {
        let fd = open(url(for: key).path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return LeaseManager.readInfo(fd: fd)
    }

    /// All lease files' holders.
    public func all() -> [LeaseInfo] {
        // try?: no lease folder means no leases
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".lease") }.sorted().compactMap { holder(of: String($0.dropLast(6))) }
    }

    /// Runs `body` holding the directory's guard lock (serialises acquire, break and release).
    func withGuard<R>(_ body: () throws -> R) rethrows -> R {
        let fd = open(directory.appendingPathComponent(".guard").path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd >= 0 { flock(fd, LOCK_EX) }
        defer { if fd >= 0 { flock(fd, LOCK_UN); close(fd) } }
        return try body()
    }

    static func writeInfo(_ info: LeaseInfo, to fd: Int32, path: String) throws {
        let data = try JSONEncoder.sortedKeys.encode(info)
        let ok = data.withUnsafeBytes { bytes -> Bool in
            ftruncate(fd, 0) == 0 && pwrite(fd, bytes.baseAddress, bytes.count, 0) == bytes.count
        }
        guard ok else { throw StoreError(.io, "cannot write lease: \(String(cString: strerror(errno)))", path: path) }
    }

    static func readInfo(fd: Int32) -> LeaseInfo? {
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size > 0, st.st_size < 1 << 20 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
        let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard got == bytes.count else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        // try?: a lease file being written by its owner reads as unknown; callers treat that as held
        return try? decoder.decode(LeaseInfo.self, from: Data(bytes))
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Who holds a lease on a key: written into `leases/<key>.lease` as JSON and refreshed by heartbeats.
public struct LeaseInfo: Codable, Sendable, Equatable {
    /// The leased key (a node or object key).
    public var key: String
    /// Host of the owner.
    public var host: String
    /// PID of the owner on its host.
    public var pid: Int32
    /// When the lease was taken.
    public var startedAt: Date
    /// Last heartbeat.
    public var heartbeatAt: Date
    /// Seconds after the last heartbeat when the lease counts as abandoned.
    public var ttlSeconds: Double
    /// Run id of the owner.
    public var runId: String?
    /// Slurm job id of the owner, when it runs under Slurm.
    public var slurmJobId: String?

    /// Makes lease info.
    public init(key: String, host: String, pid: Int32, startedAt: Date, heartbeatAt: Date, ttlSeconds: Double,
                runId: String? = nil, slurmJobId: String? = nil) {
        self.key = key
        self.host = host
        self.pid = pid
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.ttlSeconds = ttlSeconds
        self.runId = runId
        self.slurmJobId = slurmJobId
    }

    /// Whether the heartbeat is older than the time-to-live at `now`.
    public func isExpired(at now: Date = Date()) -> Bool {
        now.timeIntervalSince(heartbeatAt) > ttlSeconds
    }
}

/// A held lease: the lease file stays `flock`ed by this process (the kernel drops the lock if the
/// process dies) and a background heartbeat refreshes `heartbeatAt`. Call `release()` when done.
public final class Lease: @unchecked Sendable {
    /// The lease file.
    public let url: URL
    private let manager: LeaseManager
    private let lock = NSLock()
    private var fd: Int32
    private var current: LeaseInfo
    private var timer: DispatchSourceTimer?

    init(url: URL, fd: Int32, info: LeaseInfo, manager: LeaseManager, heartbeatInterval: Double) {
        self.url = url
        self.fd = fd
        self.current = info
        self.manager = manager
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        timer.schedule(deadline: .now() + heartbeatInterval, repeating: heartbeatInterval)
        // try?: a missed heartbeat (e.g. a full disk) can only make the lease look stale to another host, which may then compute the same node; commits are atomic and content-addressed, so that costs time, not correctness
        timer.setEventHandler { [weak self] in try? self?.heartbeat() }
        timer.resume()
        self.timer = timer
    }

    deinit { release() }

    /// The lease's current info.
    public var info: LeaseInfo { lock.withLock { current } }

    /// Whether the lease is still held by this object.
    public var isHeld: Bool { lock.withLock { fd >= 0 } }

    /// Refreshes the heartbeat now.
    public func heartbeat() throws {
        try lock.withLock {
            guard fd >= 0 else { return }
            current.heartbeatAt = Date()
            try LeaseManager.writeInfo(current, to: fd, path: url.path)
        }
    }

    /// Records the Slurm job id of the owner.
    public func setSlurmJobId(_ id: String?) throws {
        try lock.withLock {
            guard fd >= 0 else { return }
            current.slurmJobId = id
            try LeaseManager.writeInfo(current, to: fd, path: url.path)
        }
    }

    /// Gives the lease up: deletes the lease file (if it is still ours) and drops the lock. Idempotent.
    public func release() {
        let (descriptor, t): (Int32, DispatchSourceTimer?) = lock.withLock {
            let d = fd
            fd = -1
            let t = timer
            timer = nil
            return (d, t)
        }
        t?.cancel()
        guard descriptor >= 0 else { return }
        manager.withGuard {
            var mine = stat(), there = stat()
            if fstat(descriptor, &mine) == 0, stat(url.path, &there) == 0, mine.st_ino == there.st_ino {
                unlink(url.path)
            }
        }
        close(descriptor)
    }
}

import Foundation
import SPFEngine
import Testing

@Suite struct StoreLeaseTests {
    /// The PID of a process that has exited.
    private func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    private func writeLease(_ info: LeaseInfo, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(info).write(to: url)
    }

    @Test func staleLeaseOfDeadPIDIsBroken() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let leases = try LeaseManager(directory: dir)
        let key = storeKey("dead")
        let pid = try deadPID()
        let host = ProcessInfo.processInfo.hostName
        // A lease left by a killed process: fresh heartbeat, but nobody holds its lock and the PID is gone.
        let stale = LeaseInfo(key: key, host: host, pid: pid, startedAt: Date(), heartbeatAt: Date(), ttlSeconds: 3600)
        try writeLease(stale, to: leases.url(for: key))
        guard case .acquired(let lease, let broken) = try leases.tryAcquire(key) else {
            Issue.record("stale lease was not broken")
            return
        }
        #expect(broken?.pid == pid)
        #expect(lease.info.pid == getpid())
        #expect(leases.holder(of: key)?.pid == getpid())
        lease.release()
        #expect(!FileManager.default.fileExists(atPath: leases.url(for: key).path))
    }

    @Test func liveLeaseIsWaitedOnThenTaken() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let leases = try LeaseManager(directory: dir, ttlSeconds: 30)
        let key = storeKey("live")
        guard case .acquired(let first, _) = try leases.tryAcquire(key, runId: "run-1") else {
            Issue.record("first acquire failed")
            return
        }
        // A second manager (as another process would) sees it held by a live owner.
        let other = try LeaseManager(directory: dir, ttlSeconds: 30)
        guard case .held(let holder) = try other.tryAcquire(key) else {
            Issue.record("a live lease was taken twice")
            return
        }
        #expect(holder?.runId == "run-1")
        #expect(throws: StoreError.self) { try other.acquire(key, pollInterval: 0.02, timeout: 0.1) }
        let released = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { first.release() }
        var waits = 0
        let second = try other.acquire(key, pollInterval: 0.02, timeout: 10) { _ in waits += 1 }
        #expect(waits > 0)
        #expect(Date().timeIntervalSince(released) >= 0.25)
        #expect(second.isHeld)
        second.release()
    }

    @Test func expiredHeartbeatIsBrokenEvenWhileLocked() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A hung owner: holds the lock but stopped heart-beating (ttl 1 s, heartbeat every hour).
        let hung = try LeaseManager(directory: dir, ttlSeconds: 1, heartbeatInterval: 3600)
        let key = storeKey("hung")
        guard case .acquired(let stuck, _) = try hung.tryAcquire(key) else {
            Issue.record("first acquire failed")
            return
        }
        let other = try LeaseManager(directory: dir, ttlSeconds: 1)
        if case .acquired = try other.tryAcquire(key) { Issue.record("fresh lease broken") }
        Thread.sleep(forTimeInterval: 2.1)
        guard case .acquired(let taken, let broken) = try other.tryAcquire(key) else {
            Issue.record("expired lease was not broken")
            return
        }
        #expect(broken == nil)  // broken by unlinking; the new file had no previous owner
        // The hung owner's late release must not delete the new owner's lease.
        stuck.release()
        #expect(other.holder(of: key)?.pid == getpid())
        #expect(FileManager.default.fileExists(atPath: other.url(for: key).path))
        taken.release()
    }

    @Test func heartbeatRefreshes() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let leases = try LeaseManager(directory: dir, ttlSeconds: 2, heartbeatInterval: 0.2)
        let key = storeKey("beat")
        let lease = try leases.acquire(key, slurmJobId: "4242")
        let start = try #require(leases.holder(of: key))
        Thread.sleep(forTimeInterval: 1.3)
        let later = try #require(leases.holder(of: key))
        #expect(later.heartbeatAt > start.heartbeatAt)
        #expect(later.slurmJobId == "4242")
        lease.release()
    }

    /// Another process holds the lease (flock + JSON info, as `LeaseManager` writes it), then is
    /// killed with SIGKILL: the lease is held while it lives and broken at once after.
    @Test func leaseOfKilledProcessIsBroken() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let leases = try LeaseManager(directory: dir, ttlSeconds: 3600)
        let key = storeKey("killed")
        let script = """
            import fcntl, json, os, socket, sys, time
            path = sys.argv[1]
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            fcntl.flock(fd, fcntl.LOCK_EX)
            now = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
            info = dict(key=sys.argv[2], host=socket.gethostname(), pid=os.getpid(), startedAt=now,
                        heartbeatAt=now, ttlSeconds=3600.0, runId='other-run')
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(info).encode(), 0)
            print('ready', flush=True)
            time.sleep(120)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [ProcessInfo.processInfo.environment["SPFFLOW_PYTHON"] ?? "python3", "-c", script,
                             leases.url(for: key).path, key]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let ready = pipe.fileHandleForReading.availableData
        #expect(String(decoding: ready, as: UTF8.self).hasPrefix("ready"))
        guard case .held(let holder) = try leases.tryAcquire(key) else {
            Issue.record("a lease held by a live process was taken")
            return
        }
        #expect(holder?.pid == process.processIdentifier && holder?.runId == "other-run")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        guard case .acquired(let lease, let broken) = try leases.tryAcquire(key) else {
            Issue.record("the lease of a killed process was not broken")
            return
        }
        #expect(broken?.pid == process.processIdentifier)
        lease.release()
    }
}

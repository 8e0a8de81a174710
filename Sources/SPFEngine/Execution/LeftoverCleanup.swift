import Foundation

/// Cleans what killed processes left in a cache (their temporary files and scratch directories, object
/// files without a commit record, abandoned leases) on a background thread, so a run does not wait for
/// it before planning; `wait()` joins it. Everything it removes belongs to dead processes, so it is
/// safe to run beside live nodes.
final class LeftoverCleanup: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let started: Bool

    /// Starts cleaning `store` (nil: nothing to do).
    init(store: ObjectStore?) {
        started = store != nil
        guard let store else { return }
        let done = self.done
        Thread {
            // try?: leftovers of killed processes only cost disk space; the next run tries again
            _ = try? store.cleanLeftovers()
            LeftoverCleanup.breakAbandonedLeases(store)
            done.signal()
        }.start()
    }

    /// Waits until the cleaning finished (idempotent).
    func wait() {
        guard started else { return }
        done.wait()
        done.signal()
    }

    /// Removes lease files whose owner is provably gone (a dead PID on this host), so no lock is left behind.
    static func breakAbandonedLeases(_ store: ObjectStore) {
        for holder in store.leases.all() where holder.host == ProcessIdentity.host && !ProcessIdentity.isAlive(holder.pid) {
            // try?: a lease that cannot be broken now stays until its owner's host sees it; nothing waits on it forever (leases time out)
            if case .acquired(let lease, _) = try? store.leases.tryAcquire(holder.key) { lease.release() }
        }
    }
}

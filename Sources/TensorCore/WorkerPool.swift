import CPackedGEMM
import Dispatch
import Foundation
import Synchronization

/// The worker threads one ``ComputeContext`` runs its parallel loops on: `threads − 1` threads of its own that
/// wait for the next loop by spinning for a short while before they sleep.
///
/// A sampling pass at the decadal stage runs a few hundred parallel loops of tens of microseconds each. With
/// `DispatchQueue.concurrentPerform` every loop woke a sleeping Dispatch worker (a futex wake and a context switch,
/// measured at 25-50 µs per loop on a 2-core VM, about a tenth of a decadal pass). Here the worker is still spinning
/// when the next loop is posted and picks it up within a microsecond. A worker that has seen no loop for
/// ``spinSeconds`` sleeps on a condition variable, so an idle context costs nothing.
///
/// The loop body and its pieces are the caller's: which thread runs which piece never changes the results.
/// ``run(iterations:_:)`` returns false when the pool is already running a loop (a second caller on another thread,
/// or a loop nested in one of this pool's pieces); the caller then runs the loop some other way.
final class WorkerPool: Sendable {
    private let core: Core

    /// Seconds a worker spins on the next loop before it sleeps.
    static let spinSeconds = 100e-6

    /// A pool of `workers` threads (started on the first loop).
    init(workers: Int) {
        core = Core(workers: max(1, workers))
    }

    deinit { core.shutDown() }

    /// Threads of the pool (besides the caller).
    var workers: Int { core.workers }

    /// Runs `body(0)` on the calling thread and `body(1)`, …, `body(iterations − 1)` on the pool's workers, and
    /// returns when all have finished; false (and nothing run) when `iterations − 1` exceeds the workers or the
    /// pool is busy.
    func run(iterations: Int, _ body: (Int) -> Void) -> Bool {
        core.run(iterations: iterations, body)
    }

    /// The state the threads share. Kept apart from ``WorkerPool`` so that the threads, which hold it, do not keep
    /// the pool alive: the last copy of a context going away stops its threads.
    private final class Core: @unchecked Sendable {
        let workers: Int
        /// The posted loop: its sequence number times 2^16 plus its piece count, one value so that a worker reads both
        /// at once. The owner stores the next value to post a loop; workers take one piece of each loop they see.
        let generation = Atomic<Int>(0)
        /// Pieces of the current loop still running on workers.
        let pending = Atomic<Int>(0)
        /// Whether a caller owns the pool (one loop at a time).
        let owned = Atomic<Bool>(false)
        /// Workers asleep on `condition` (or about to be).
        let sleepers = Atomic<Int>(0)
        let stopping = Atomic<Bool>(false)
        let started = Atomic<Bool>(false)
        let condition = NSCondition()
        /// The current loop's body: written by the owner before `generation` is bumped, read by the workers that take a
        /// piece of it (the owner waits for them before it changes it).
        nonisolated(unsafe) var body: ((Int) -> Void)?

        init(workers: Int) { self.workers = workers }

        func run(iterations: Int, _ loop: (Int) -> Void) -> Bool {
            guard iterations >= 1, iterations - 1 <= workers, iterations < 1 << 16,
                  owned.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
            defer { owned.store(false, ordering: .releasing) }
            startIfNeeded()
            withoutActuallyEscaping(loop) { loop in
                body = loop
                pending.store(iterations - 1, ordering: .relaxed)
                let posted = ((generation.load(ordering: .relaxed) >> 16) + 1) << 16 | iterations
                generation.store(posted, ordering: .sequentiallyConsistent)
                if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                    condition.lock()
                    condition.broadcast()
                    condition.unlock()
                }
                loop(0)
                Self.spin(until: { pending.load(ordering: .acquiring) == 0 })
                body = nil
            }
            return true
        }

        func shutDown() {
            stopping.store(true, ordering: .sequentiallyConsistent)
            condition.lock()
            condition.broadcast()
            condition.unlock()
        }

        private func startIfNeeded() {
            guard !started.load(ordering: .relaxed) else { return }
            started.store(true, ordering: .relaxed)
            // The generation before this first loop is posted: a thread that starts running after the post must
            // still take the loop.
            let initial = generation.load(ordering: .acquiring)
            for w in 0..<workers {
                let thread = Thread { [self] in
                    spf_set_thread_name("spf-worker-\(w + 1)")
                    work(index: w + 1, seen: initial)
                }
                thread.stackSize = 8 << 20
                thread.start()
            }
        }

        /// One worker: takes piece `index` of every loop it sees that has that many pieces.
        private func work(index: Int, seen initial: Int) {
            var seen = initial
            while true {
                var now = generation.load(ordering: .acquiring)
                if now == seen {
                    Self.spin(until: { generation.load(ordering: .acquiring) != seen || stopping.load(ordering: .relaxed) },
                              giveUpAfter: WorkerPool.spinSeconds)
                    now = generation.load(ordering: .acquiring)
                }
                if now == seen {
                    condition.lock()
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while generation.load(ordering: .sequentiallyConsistent) == seen && !stopping.load(ordering: .sequentiallyConsistent) {
                        condition.wait()
                    }
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    condition.unlock()
                    now = generation.load(ordering: .acquiring)
                }
                if stopping.load(ordering: .acquiring) { return }
                if now == seen { continue }
                // A loop without this worker's piece does not wait for it: the next loop may be posted before the
                // worker looks, and it then takes that one.
                seen = now
                if index < now & 0xFFFF {
                    runPiece(index)
                    pending.subtract(1, ordering: .releasing)
                }
            }
        }

        /// Runs one piece; the reference to the loop body is gone when this returns (before `pending` drops, which
        /// lets the owner end `withoutActuallyEscaping`).
        @inline(never)
        private func runPiece(_ index: Int) {
            if let body { body(index) }
        }

        /// Spins until `done()`, or until `giveUpAfter` seconds have passed: PAUSE for the first few microseconds (the
        /// next loop usually comes that soon), then `sched_yield` between checks, which returns at once when the core
        /// has nothing else to run and lets any other runnable thread (another process, OpenBLAS's threads) go first.
        private static func spin(until done: () -> Bool, giveUpAfter limit: Double = .infinity) {
            var rounds = 0
            let start = DispatchTime.now().uptimeNanoseconds
            while !done() {
                rounds += 1
                if rounds < 256 {
                    spf_cpu_relax()
                    continue
                }
                sched_yield()
                if rounds & 15 == 0, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 >= limit { return }
            }
        }
    }
}

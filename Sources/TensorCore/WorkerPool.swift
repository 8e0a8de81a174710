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
/// The loop body and its pieces are the caller's: which thread runs which piece (the first to claim it) never changes
/// the results.
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

    /// Runs `body(0)` on the calling thread and `body(1)`, …, `body(iterations − 1)` on whichever thread claims each
    /// first (a worker, or the caller once `body(0)` is done), and returns when all have finished; false (and nothing
    /// run) when `iterations − 1` exceeds the workers or the pool is busy.
    func run(iterations: Int, _ body: (Int) -> Void) -> Bool {
        core.run(iterations: iterations, body)
    }

    /// The state the threads share. Kept apart from ``WorkerPool`` so that the threads, which hold it, do not keep
    /// the pool alive: the last copy of a context going away stops its threads.
    private final class Core: @unchecked Sendable {
        let workers: Int
        /// The posted loop, one value so that it is read and claimed at once: its sequence number times 2^32, plus its
        /// piece count times 2^16, plus the next piece nobody has claimed. The owner stores it to post a loop; a
        /// thread claims piece `next` by raising `next` (compare-and-exchange).
        let generation = Atomic<Int>(0)
        /// Claimed pieces 1 ..< count of the current loop not finished yet.
        let pending = Atomic<Int>(0)
        /// Whether a caller owns the pool (one loop at a time).
        let owned = Atomic<Bool>(false)
        /// Workers asleep on `condition` (or about to be).
        let sleepers = Atomic<Int>(0)
        let stopping = Atomic<Bool>(false)
        let started = Atomic<Bool>(false)
        let condition = NSCondition()
        /// The current loop's body: written by the owner before the loop is posted, read by the threads that claimed a
        /// piece of it (the owner waits for those pieces before it changes it).
        nonisolated(unsafe) var body: ((Int) -> Void)?

        init(workers: Int) { self.workers = workers }

        /// The sequence number of a posted value.
        static func sequence(_ posted: Int) -> Int { posted >> 32 }

        /// Runs the loop: piece 0 here, pieces 1 ..< `iterations` on whichever thread claims them first, the owner
        /// included once its own piece is done. So the owner never waits for a worker that has not started a piece (a
        /// worker asleep, descheduled, or whose thread never started): it waits only for pieces being run.
        func run(iterations: Int, _ loop: (Int) -> Void) -> Bool {
            guard iterations >= 1, iterations - 1 <= workers, iterations < 1 << 16,
                  owned.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
            defer { owned.store(false, ordering: .releasing) }
            startIfNeeded()
            withoutActuallyEscaping(loop) { loop in
                body = loop
                pending.store(iterations - 1, ordering: .relaxed)
                let sequence = Self.sequence(generation.load(ordering: .relaxed)) + 1
                generation.store(sequence << 32 | iterations << 16 | 1, ordering: .sequentiallyConsistent)
                if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                    condition.lock()
                    condition.broadcast()
                    condition.unlock()
                }
                loop(0)
                while let piece = claim() {
                    loop(piece)
                    pending.subtract(1, ordering: .releasing)
                }
                Self.spin(until: { pending.load(ordering: .acquiring) == 0 })
                body = nil
            }
            return true
        }

        /// Claims the next unclaimed piece of the posted loop, or nil when every piece is claimed.
        private func claim() -> Int? {
            var posted = generation.load(ordering: .acquiring)
            while true {
                let count = (posted >> 16) & 0xFFFF, next = posted & 0xFFFF
                if next >= count { return nil }
                let (exchanged, original) = generation.compareExchange(expected: posted, desired: posted + 1,
                                                                       ordering: .acquiringAndReleasing)
                if exchanged { return next }
                posted = original
            }
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
            // The loop sequence before this first loop is posted: a thread that starts running after the post must
            // still see the loop as new.
            let initial = Self.sequence(generation.load(ordering: .acquiring))
            for w in 0..<workers {
                let thread = Thread { [self] in
                    spf_set_thread_name("spf-worker-\(w + 1)")
                    work(seen: initial)
                }
                thread.stackSize = 8 << 20
                thread.start()
            }
        }

        /// One worker: waits for a loop it has not seen, claims and runs its pieces while there are any, and waits again.
        private func work(seen initial: Int) {
            var seen = initial
            func current() -> Int { Self.sequence(generation.load(ordering: .acquiring)) }
            while true {
                if current() == seen {
                    Self.spin(until: { current() != seen || stopping.load(ordering: .relaxed) },
                              giveUpAfter: WorkerPool.spinSeconds)
                }
                if current() == seen && !stopping.load(ordering: .acquiring) {
                    condition.lock()
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while Self.sequence(generation.load(ordering: .sequentiallyConsistent)) == seen
                            && !stopping.load(ordering: .sequentiallyConsistent) {
                        condition.wait()
                    }
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    condition.unlock()
                }
                if stopping.load(ordering: .acquiring) { return }
                seen = current()
                while let piece = claim() {
                    runPiece(piece)
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

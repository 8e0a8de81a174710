import Foundation
import Synchronization
import Testing
import TensorCore

/// `ComputeContext.parallelFor` on the context's own worker threads: every item exactly once, the pieces on the
/// pool's named threads, nested and concurrent loops (which the pool hands to Dispatch) complete, and the threads
/// end with the last copy of the context.
@Suite struct ParallelForTests {
    /// A thread's name, from its `comm` file under /proc ("" when unreadable).
    static func comm(_ path: String) -> String {
        let comm = try? String(contentsOfFile: path, encoding: .utf8)
        return comm?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    /// The name of the calling thread.
    static func threadName() -> String { comm("/proc/thread-self/comm") }

    /// Threads of this process named `name` (/proc/self/task/*/comm).
    static func threads(named name: String) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.filter { comm("/proc/self/task/\($0)/comm") == name }.count
    }

    /// Each item is visited once, in loops of every size, thousands of times in a row (the workers spin between
    /// loops, sleep after a pause, and take the next loop either way).
    @Test(arguments: [2, 3, 4])
    func everyItemRunsExactlyOnce(threads: Int) {
        let context = ComputeContext(threads: threads)
        for round in 0..<3000 {
            let count = 1 + round % 37
            let visits = UnsafeMutablePointer<Int>.allocate(capacity: count)
            visits.initialize(repeating: 0, count: count)
            defer { visits.deallocate() }
            context.parallelFor(count) { range in for i in range { visits[i] += 1 } }
            let all = (0..<count).allSatisfy { visits[$0] == 1 }
            #expect(all, "round \(round): \(count) items")
            if !all { return }
            if round % 500 == 499 { usleep(2000) }  // long enough for the workers to fall asleep
        }
    }

    /// With two threads the second range runs on the pool's worker, not on Dispatch's. The caller takes a range no
    /// worker has claimed only once its own is done, so here the caller's range waits (up to a second) until the second
    /// range has run: then it can only have run on the worker. (A fixed 20 µs of work on the caller's range was not
    /// enough on a CI machine busy with every other suite: the worker was never scheduled in time in 200 loops, and
    /// the caller ran every second range itself.)
    @Test func rangesRunOnTheContextsWorker() {
        let context = ComputeContext(threads: 2)
        let caller = Self.threadName()
        let names = Mutex<[String: Int]>([:])
        let waitedInVain = Atomic<Int>(0)
        for _ in 0..<50 {
            let done = Atomic<Bool>(false)
            context.parallelFor(2) { range in
                if range.lowerBound == 0 {
                    let deadline = Date().addingTimeInterval(1)
                    while !done.load(ordering: .acquiring) && Date() < deadline { sched_yield() }
                    if !done.load(ordering: .acquiring) { waitedInVain.add(1, ordering: .relaxed) }
                    return
                }
                let name = Self.threadName()
                names.withLock { $0[name, default: 0] += 1 }
                done.store(true, ordering: .releasing)
            }
        }
        let seen = names.withLock { $0 }
        #expect(Set(seen.keys).isSubset(of: ["spf-worker-1", caller]), "\(seen)")
        #expect((seen[caller] ?? 0) <= waitedInVain.load(ordering: .relaxed), "\(seen)")
        #expect((seen["spf-worker-1"] ?? 0) > 0, "\(seen)")
    }

    /// A loop inside one of the pool's ranges, and loops from several threads on one context at once, run every
    /// item (the busy pool hands them to Dispatch's workers).
    @Test func nestedAndConcurrentLoopsComplete() {
        let context = ComputeContext(threads: 2)
        let total = Atomic<Int>(0)
        context.parallelFor(4) { outer in
            for _ in outer {
                context.parallelFor(100) { inner in total.add(inner.count, ordering: .relaxed) }
            }
        }
        #expect(total.load(ordering: .relaxed) == 400)
        let concurrent = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<200 {
                context.parallelFor(10) { range in concurrent.add(range.count, ordering: .relaxed) }
            }
        }
        #expect(concurrent.load(ordering: .relaxed) == 4 * 200 * 10)
    }

    /// The workers end when the last copy of their context is gone. (Nine threads: no other test makes an eighth
    /// worker, so the name tells this context's threads from those of tests running alongside.)
    @Test func workersEndWithTheContext() async throws {
        let eighth = "spf-worker-8"
        #expect(Self.threads(named: eighth) == 0)
        do {
            let context = ComputeContext(threads: 9)
            let copy = context
            copy.parallelFor(9) { _ in }
            // The loop may finish before the threads it started run (the caller takes unclaimed pieces): wait for them.
            var started = Self.threads(named: eighth)
            for _ in 0..<300 where started == 0 {
                try await Task.sleep(nanoseconds: 10_000_000)
                started = Self.threads(named: eighth)
            }
            #expect(started == 1)
        }
        var left = Self.threads(named: eighth)
        for _ in 0..<300 where left > 0 {
            try await Task.sleep(nanoseconds: 10_000_000)
            left = Self.threads(named: eighth)
        }
        #expect(left == 0, "the context's workers outlived it")
    }
}

import Foundation

/// Runs the nodes that need computing through an executor, in dependency order, as many at once as
/// the executor's thread slots allow and, with a memory limit, as the nodes' `resources.memory` fit in it
/// together (the first ready node in index order that fits starts; nothing waits while nothing runs).
/// On a failure it stops launching (or, with keep-going, skips only the failed node's dependents) and
/// waits for running nodes to finish.
package final class RunScheduler: @unchecked Sendable {
    /// What happened to one scheduled node.
    package struct Result: Sendable {
        package var status: NodeStatus
        package var seconds: Double
        package var error: String?
    }

    private let graph: NodeGraph
    private let executor: any Executor
    private let keepGoing: Bool
    private let toRun: Set<Int>
    private let memoryLimitMB: Int?
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var remaining: [Int: Int] = [:]
    private var ready: [Int] = []
    private var results: [Int: Result] = [:]
    private var freeSlots: Int
    private var inFlight = 0
    private var memoryInFlightMB = 0
    private var stopping = false

    package init(graph: NodeGraph, executor: any Executor, keepGoing: Bool, toRun: Set<Int>, memoryLimitMB: Int? = nil) {
        self.graph = graph
        self.memoryLimitMB = memoryLimitMB
        self.executor = executor
        self.keepGoing = keepGoing
        self.toRun = toRun
        self.freeSlots = executor.capacity
        for i in toRun { remaining[i] = graph.upstream[i].filter { toRun.contains($0) }.count }
        ready = toRun.filter { remaining[$0] == 0 }.sorted()
    }

    private func slots(_ i: Int) -> Int { min(max(1, graph.manifest.nodes[i].threads), executor.capacity) }

    private func memoryMB(_ i: Int) -> Int { graph.manifest.nodes[i].resources.memoryMB ?? 0 }

    /// True when node `i` may start now: its slots are free and its memory fits beside the running nodes'.
    private func canStart(_ i: Int) -> Bool {
        guard slots(i) <= freeSlots else { return false }
        guard let limit = memoryLimitMB, inFlight > 0 else { return true }
        return memoryInFlightMB + memoryMB(i) <= limit
    }

    /// Runs every node of `toRun`. `makeJob` builds a job (threads are set here), `verify` confirms a
    /// job's outputs are committed, `onStart`/`onResult` report progress (called with no lock held
    /// by the scheduler's own state, but serialised).
    package func run(makeJob: (Int, Int) -> NodeJob, verify: @escaping @Sendable (NodeJob) -> Bool,
                     events: any NodeEventSink, onStart: @escaping @Sendable (Int) -> Void,
                     onResult: @escaping @Sendable (Int, Result) -> Void) -> [Int: Result] {
        condition.lock()
        while true {
            while !stopping, let pos = ready.firstIndex(where: canStart) {
                let i = ready.remove(at: pos)
                let need = slots(i)
                freeSlots -= need
                memoryInFlightMB += memoryMB(i)
                inFlight += 1
                let job = makeJob(i, need)
                onStart(i)
                let thread = Thread { [self] in
                    let t0 = Date()
                    var outcome = executor.execute(job, events: events)
                    if outcome == .computed || outcome == .computedElsewhere, !verify(job) {
                        outcome = .failed("the executor reported success but the outputs are not committed")
                    }
                    finish(i, need: need, outcome: outcome, seconds: Date().timeIntervalSince(t0), onResult: onResult)
                }
                thread.stackSize = 16 << 20
                thread.start()
            }
            if inFlight == 0 && (stopping || ready.isEmpty) { break }
            condition.wait()
        }
        let out = results
        condition.unlock()
        return out
    }

    private func finish(_ i: Int, need: Int, outcome: NodeOutcome, seconds: Double,
                        onResult: @Sendable (Int, Result) -> Void) {
        condition.lock()
        defer {
            condition.signal()
            condition.unlock()
        }
        let result: Result
        switch outcome {
        case .computed: result = Result(status: .ran, seconds: seconds, error: nil)
        case .computedElsewhere: result = Result(status: .computedElsewhere, seconds: seconds, error: nil)
        case .failed(let m): result = Result(status: .failed, seconds: seconds, error: m)
        }
        results[i] = result
        freeSlots += need
        memoryInFlightMB -= memoryMB(i)
        inFlight -= 1
        onResult(i, result)
        if result.status == .failed {
            if keepGoing { skipDependents(of: i, onResult: onResult) } else { stopping = true }
            return
        }
        for d in graph.downstream[i] where toRun.contains(d) {
            remaining[d, default: 0] -= 1
            if remaining[d] == 0 && results[d] == nil { ready.append(d) }
        }
        ready.sort()
    }

    private func skipDependents(of i: Int, onResult: @Sendable (Int, Result) -> Void) {
        var stack = graph.downstream[i]
        while let d = stack.popLast() {
            guard toRun.contains(d), results[d] == nil else { continue }
            let r = Result(status: .skipped, seconds: 0, error: "upstream \(graph.manifest.nodes[i].id) failed")
            results[d] = r
            onResult(d, r)
            ready.removeAll { $0 == d }
            stack += graph.downstream[d]
        }
    }
}

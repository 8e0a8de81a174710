import Foundation

/// Runs chunk work on a fixed number of workers; worker w handles items w, w+workers, ...
/// so the assignment (and every result) is the same whatever the scheduling.
package enum ParallelChunks {
    /// Chunks handled per batch: two per worker, but at most 128 MiB of chunks (and at least two),
    /// so writer and reader memory stays bounded on many-core nodes.
    package static func batchSize(workers: Int, chunkBytes: Int) -> Int {
        max(2, min(2 * max(1, workers), (128 << 20) / max(1, chunkBytes)))
    }

    /// Calls `body(i)` for every i in 0..<count on up to `workers` threads and waits for all.
    package static func forEach(_ count: Int, workers: Int, _ body: (Int) -> Void) {
        guard count > 0 else { return }
        let w = max(1, min(workers, count))
        if w == 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { escaping in
            let box = UncheckedSendable(escaping)
            DispatchQueue.concurrentPerform(iterations: w) { worker in
                var i = worker
                while i < count {
                    box.value(i)
                    i += w
                }
            }
        }
    }
}

/// Carries a value the caller guarantees is used safely across threads (disjoint writes per item).
package struct UncheckedSendable<T>: @unchecked Sendable {
    /// The wrapped value.
    package let value: T
    /// Wraps a value.
    package init(_ value: T) { self.value = value }
}

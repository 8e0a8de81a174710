import COpenBLAS
import Dispatch

/// How many threads TensorCore may use, passed explicitly to every kernel (no global settings).
///
/// GEMMs run on `threads` OpenBLAS threads; element-wise, normalisation and attention kernels
/// split their rows/items into fixed contiguous ranges on `threads` Dispatch workers. Every kernel
/// computes each output from the same operations in the same order whatever the split, so results
/// are bit-identical for any thread count.
public struct ComputeContext: Sendable, Equatable {
    /// How large single GEMMs use the threads.
    public enum GEMMThreading: String, Sendable, Equatable, Codable {
        /// Output rows split in fixed ranges over Dispatch workers, each calling BLAS on one thread
        /// (one thread pool for everything; OpenBLAS's own threads stay idle).
        case splitRows
        /// OpenBLAS's own threads (`openblas_set_num_threads(threads)`). That setting is process-wide:
        /// do not run two contexts concurrently when either uses this mode.
        case blasThreads
    }

    /// Worker threads (≥ 1).
    public let threads: Int
    /// How single GEMMs are parallelised.
    public let gemmThreading: GEMMThreading

    /// A context using `threads` threads (clamped to at least 1).
    public init(threads: Int, gemmThreading: GEMMThreading = .splitRows) {
        self.threads = max(1, threads)
        self.gemmThreading = gemmThreading
    }

    /// A one-thread context (what parallel workers hand to nested kernels).
    public static let serial = ComputeContext(threads: 1)

    /// Runs `body` on `count` items split into at most `threads` contiguous ranges, in parallel.
    ///
    /// Items must be independent: the result may not depend on which worker runs which range.
    public func parallelFor(_ count: Int, minimumItemsPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let workers = min(threads, max(1, count / max(1, minimumItemsPerThread)))
        if workers <= 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let lo = count * w / workers
                let hi = count * (w + 1) / workers
                if lo < hi { work(lo..<hi) }
            }
        }
    }

    /// Sets OpenBLAS to the thread count single GEMMs use (`threads` with `.blasThreads`, else 1).
    public func setBLASThreads() { openblas_set_num_threads(Int32(gemmThreading == .blasThreads ? threads : 1)) }

    /// Sets OpenBLAS to one thread (before a region whose workers each call GEMMs).
    public func setSingleThreadedBLAS() { openblas_set_num_threads(1) }
}

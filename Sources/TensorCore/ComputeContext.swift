import COpenBLAS
import Dispatch

/// How many threads TensorCore may use, passed explicitly to every kernel (no global settings).
///
/// Every parallel kernel cuts its work into pieces that are a fixed function of the problem's
/// shape, never of the thread count or the CPU, and threads take whole pieces: GEMMs into
/// ``GEMMRowBlocks`` (one single-threaded BLAS call each), element-wise kernels into 4096-element
/// chunks, reductions into 16384-element chunks added in chunk order, and row-wise kernels
/// (normalisation, attention, modulation) into rows or (sample, head) items that each compute their
/// own outputs alone. So results are bit-identical for any thread count on one machine.
public struct ComputeContext: Sendable, Equatable {
    /// How large single GEMMs use the threads.
    public enum GEMMThreading: String, Sendable, Equatable, Codable {
        /// Output rows cut into ``GEMMRowBlocks`` taken by the context's workers, each block one BLAS call
        /// on one thread (one thread pool for everything; OpenBLAS's own threads stay idle).
        /// Bit-identical for any thread count.
        case splitRows
        /// OpenBLAS's own threads (`openblas_set_num_threads(threads)`): how OpenBLAS splits a
        /// product follows the thread count, so the last bits do too. For benchmarks (sgemm's own
        /// rate), not for results. The setting is process-wide: do not run two contexts
        /// concurrently when either uses this mode.
        case blasThreads
    }

    /// Worker threads (≥ 1).
    public let threads: Int
    /// How single GEMMs are parallelised.
    public let gemmThreading: GEMMThreading
    /// Where the GEMMs run with this context add their time (benchmarks), or nil (not timed).
    public internal(set) var gemmClock: GEMMClock?
    /// The instruction set of the packed-operand products (``GEMM/multiply(m:a:lda:packed:bias:accumulate:c:ldc:context:)``):
    /// this CPU's widest by default. Every set gives the same bits, so this is a choice of speed (and of what the tests
    /// check), not of results.
    public var kernelISA: KernelISA = .host
    /// The context's own worker threads (`threads − 1` of them, started by the first parallel loop; nil for one
    /// thread). Copies of the context share them.
    private let pool: WorkerPool?

    /// A context using `threads` threads (clamped to at least 1).
    public init(threads: Int, gemmThreading: GEMMThreading = .splitRows) {
        self.threads = max(1, threads)
        self.gemmThreading = gemmThreading
        pool = threads > 1 ? WorkerPool(workers: threads - 1) : nil
    }

    /// This context with its GEMMs timed by `clock` (see ``GEMMClock``); the results do not change.
    public func timingGEMMs(with clock: GEMMClock) -> ComputeContext {
        var copy = self
        copy.gemmClock = clock
        return copy
    }

    /// Equal thread counts, GEMM threading and kernel instruction set, and the same clock (or none).
    public static func == (a: ComputeContext, b: ComputeContext) -> Bool {
        a.threads == b.threads && a.gemmThreading == b.gemmThreading && a.kernelISA == b.kernelISA && a.gemmClock === b.gemmClock
    }

    /// A one-thread context (what parallel workers hand to nested kernels).
    public static let serial = ComputeContext(threads: 1)

    /// Runs `body` on `count` items split into at most `threads` contiguous ranges, in parallel.
    ///
    /// Items must be independent: the result may not depend on which worker runs which range. The ranges run on the
    /// calling thread and the context's ``WorkerPool``; when that pool is busy (the context is used from two threads
    /// at once, or the loop is nested in one of its ranges) on Dispatch's workers instead, with the same ranges.
    public func parallelFor(_ count: Int, minimumItemsPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let workers = min(threads, max(1, count / max(1, minimumItemsPerThread)))
        if workers <= 1 {
            body(0..<count)
            return
        }
        func piece(_ w: Int) {
            let lo = count * w / workers
            let hi = count * (w + 1) / workers
            if lo < hi { body(lo..<hi) }
        }
        if let pool, pool.run(iterations: workers, piece) { return }
        withoutActuallyEscaping(piece) { piece in
            nonisolated(unsafe) let work = piece
            DispatchQueue.concurrentPerform(iterations: workers) { w in work(w) }
        }
    }

    /// Sets OpenBLAS to the thread count single GEMMs use (`threads` with `.blasThreads`, else 1).
    public func setBLASThreads() { openblas_set_num_threads(Int32(gemmThreading == .blasThreads ? threads : 1)) }

    /// Sets OpenBLAS to one thread (before a region whose workers each call GEMMs).
    public func setSingleThreadedBLAS() { openblas_set_num_threads(1) }
}

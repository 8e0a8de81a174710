import Dispatch
import Foundation

/// Time spent inside GEMM calls, for benchmarks that ask how fast a pass runs its matrix products
/// (`spfflow bench scaling`'s `sampling_gemm_share_stage<k>`), as opposed to how long the whole pass
/// takes.
///
/// A ``ComputeContext`` carrying a clock (``ComputeContext/timingGEMMs(with:)``) has every product
/// it runs timed: ``GEMM/multiply(_:_:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:rowInitialValue:context:)``,
/// ``GEMM/chainMultiply(_:_:m:n:k:a:lda:b:ldb:start:c:ldc:context:)``, the packed products
/// and ``GEMM/batchedMultiply(_:_:_:_:into:alpha:beta:context:)`` by their wall time on the calling
/// thread (``callerSeconds``; the call uses all the context's threads), and attention's tile products,
/// which each worker runs on its own thread for its own (sample, head) items, by their time on that
/// worker (``workerSeconds``, summed over workers). ``wallSeconds(threads:)`` adds the two as wall
/// time. Timing adds two clock reads per call; without a clock nothing is measured and the results
/// are the same bytes either way.
public final class GEMMClock: @unchecked Sendable {
    private let lock = NSLock()
    private var caller: UInt64 = 0
    private var worker: UInt64 = 0
    private var callerCount = 0
    private var workerCount = 0

    public init() {}

    /// Seconds inside products that used all the context's threads, measured on the calling thread.
    public var callerSeconds: Double { lock.withLock { Double(caller) / 1e9 } }
    /// Seconds inside single-threaded products run by parallel workers, summed over the workers.
    public var workerSeconds: Double { lock.withLock { Double(worker) / 1e9 } }
    /// Timed calls: (on the calling thread, on workers).
    public var calls: (caller: Int, worker: Int) { lock.withLock { (callerCount, workerCount) } }

    /// The wall time of the products when `threads` workers ran the worker products side by side:
    /// caller time plus worker time over `threads`.
    public func wallSeconds(threads: Int) -> Double { callerSeconds + workerSeconds / Double(max(threads, 1)) }

    /// Forgets everything measured so far.
    public func reset() {
        lock.withLock { caller = 0; worker = 0; callerCount = 0; workerCount = 0 }
    }

    /// Runs `body`, a product that uses the context's threads, and adds its wall time.
    @inline(__always)
    func timeCaller(_ body: () -> Void) {
        let dt = Self.nanoseconds(body)
        lock.withLock { caller += dt; callerCount += 1 }
    }

    /// Runs `body`, a single-threaded product on a parallel worker, and adds its time.
    @inline(__always)
    func timeWorker(_ body: () -> Void) {
        let dt = Self.nanoseconds(body)
        lock.withLock { worker += dt; workerCount += 1 }
    }

    @inline(__always)
    private static func nanoseconds(_ body: () -> Void) -> UInt64 {
        let t0 = DispatchTime.now().uptimeNanoseconds
        body()
        return DispatchTime.now().uptimeNanoseconds - t0
    }
}

extension Optional where Wrapped == GEMMClock {
    /// Runs a worker's single-threaded product, timed when there is a clock.
    @inline(__always)
    func timeWorker(_ body: () -> Void) {
        if let clock = self { clock.timeWorker(body) } else { body() }
    }
}

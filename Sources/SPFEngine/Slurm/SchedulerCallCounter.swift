import Synchronization

/// Counts scheduler commands by program name (`sbatch`, `squeue`, `scancel`...), so runs and
/// benchmarks can report how many calls each poll costs the Slurm controller.
public final class SchedulerCallCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    /// Makes a counter at zero.
    public init() {}

    /// Records one call of `program`.
    public func record(_ program: String) {
        counts.withLock { $0[program, default: 0] += 1 }
    }

    /// Calls of `program` so far.
    public func count(_ program: String) -> Int {
        counts.withLock { $0[program] ?? 0 }
    }

    /// All counts so far.
    public var snapshot: [String: Int] { counts.withLock { $0 } }
}

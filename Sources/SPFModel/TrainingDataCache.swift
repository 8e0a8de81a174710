import Dispatch
import Foundation

/// The trainer's access to its runs' normalised fields: whole blocks of months, read on demand through each run's
/// ``RunFieldReader`` (or sliced from its in-memory fields) and normalised, kept in a least-recently-used cache of at
/// most `budgetBytes`, with a read-ahead of the next step's blocks on a background thread (one step ahead, held
/// apart from the budget until that step uses them).
///
/// Resident data is then the budget plus two steps' windows, whatever the data set's size. A block's values do not
/// depend on when or by which thread it was read, so the batches (and the weights) are the same whatever the budget.
final class TrainingDataCache: @unchecked Sendable {
    /// A block: run index and block index within the run.
    struct BlockKey: Hashable, Sendable {
        var run: Int
        var block: Int
    }

    /// Months per block of in-memory runs.
    static let inMemoryBlockMonths = 12

    let runs: [TrainingRun]
    /// The runs' normalised forcings (the climatology may follow them).
    let forcings: [ForcingSeries]
    let normalizer: Normalizer
    /// Most bytes of cached blocks (nil: no limit).
    let budgetBytes: Int?

    private let lock = NSLock()
    private var cached: [BlockKey: (values: [Float], lastUse: UInt64)] = [:]
    private var cachedBytes = 0
    private var clock: UInt64 = 0
    /// Blocks read ahead for the next step, not yet used.
    private var staged: [BlockKey: [Float]] = [:]
    private let readAheadGroup = DispatchGroup()
    private let readAheadQueue = DispatchQueue(label: "spf.training-data.read-ahead")

    init(runs: [TrainingRun], forcings: [ForcingSeries], normalizer: Normalizer, budgetBytes: Int?) {
        self.runs = runs
        self.forcings = forcings
        self.normalizer = normalizer
        self.budgetBytes = budgetBytes.map { max(0, $0) }
    }

    deinit { readAheadGroup.wait() }

    /// Months per block of run `run`.
    func blockMonths(run: Int) -> Int { runs[run].reader?.blockMonths ?? Self.inMemoryBlockMonths }

    /// The blocks covering absolute months `months` of run `run`.
    func blocks(run: Int, months: Range<Int>) -> [BlockKey] {
        let r = runs[run], size = blockMonths(run: run)
        let lo = months.lowerBound - r.firstMonth, hi = months.upperBound - r.firstMonth
        guard lo >= 0, hi <= r.months, hi > lo else { return [] }
        return ((lo / size)...((hi - 1) / size)).map { BlockKey(run: run, block: $0) }
    }

    /// The normalised fields of absolute months `months` of run `run` [months.count, C, H, W].
    ///
    /// A run that holds its fields in memory is normalised window by window and never cached: a cached copy would
    /// double its data in memory (50 MiB for a 20-year run at 2°). Normalisation is elementwise, so the values are
    /// the same bytes as a cached block's.
    func window(run: Int, months: Range<Int>) throws -> [Float] {
        let r = runs[run], size = blockMonths(run: run), frame = r.frameValues
        let lo = months.lowerBound - r.firstMonth, hi = months.upperBound - r.firstMonth
        guard lo >= 0, hi <= r.months, hi > lo else {
            throw SPFModelError(.invalidData, "window of months \(months) outside run \(r.label)")
        }
        if !r.streams {
            return try normalizer.normalizeMonths(try r.readMonths(lo..<hi), run: r, months: lo..<hi,
                                                  normalizedForcing: normalizer.needsForcing ? forcings[run] : nil)
        }
        var out: [Float] = []
        out.reserveCapacity((hi - lo) * frame)
        for key in blocks(run: run, months: months) {
            let values = try block(key)
            let start = key.block * size
            out += values[((max(lo, start) - start) * frame)..<((min(hi, start + size) - start) * frame)]
        }
        return out
    }

    /// Starts reading `keys` (the next step's blocks) on the read-ahead thread, after the previous read-ahead;
    /// blocks read ahead but never used are dropped then. Errors are not kept: the step that needs a block that
    /// failed reads it again and reports the error itself.
    func readAhead(_ allKeys: [BlockKey]) {
        let keys = allKeys.filter { runs[$0.run].streams }
        readAheadGroup.wait()
        lock.lock()
        staged = [:]
        lock.unlock()
        readAheadQueue.async(group: readAheadGroup) { [self] in
            for key in keys {
                lock.lock()
                let have = cached[key] != nil || staged[key] != nil
                lock.unlock()
                if have { continue }
                guard let values = try? read(key) else { continue }
                lock.lock()
                staged[key] = values
                lock.unlock()
            }
        }
    }

    /// Waits for the read-ahead in flight.
    func waitForReadAhead() { readAheadGroup.wait() }

    /// Bytes of cached blocks (the budget's use).
    var residentBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        return cachedBytes
    }

    private func block(_ key: BlockKey) throws -> [Float] {
        lock.lock()
        clock += 1
        if let hit = cached[key] {
            cached[key]?.lastUse = clock
            lock.unlock()
            return hit.values
        }
        let early = staged.removeValue(forKey: key)
        lock.unlock()
        let values = try early ?? read(key)
        insert(key, values)
        return values
    }

    /// Caches a block when it fits the budget, dropping the least recently used ones to make room.
    private func insert(_ key: BlockKey, _ values: [Float]) {
        let bytes = values.count * MemoryLayout<Float>.stride
        lock.lock()
        defer { lock.unlock() }
        if let budget = budgetBytes {
            guard bytes <= budget else { return }
            while cachedBytes + bytes > budget, let oldest = cached.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                cachedBytes -= oldest.value.values.count * MemoryLayout<Float>.stride
                cached.removeValue(forKey: oldest.key)
            }
        }
        clock += 1
        cached[key] = (values, clock)
        cachedBytes += bytes
    }

    /// Reads and normalises one block.
    private func read(_ key: BlockKey) throws -> [Float] {
        let r = runs[key.run], size = blockMonths(run: key.run)
        let months = (key.block * size)..<min(r.months, (key.block + 1) * size)
        return try normalizer.normalizeMonths(try r.readMonths(months), run: r, months: months,
                                              normalizedForcing: normalizer.needsForcing ? forcings[key.run] : nil)
    }
}

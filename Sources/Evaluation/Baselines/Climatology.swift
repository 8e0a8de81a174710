/// The climatology baseline: the training mean field of the ESM, per calendar month for
/// monthly data. It ignores the forcings entirely.
public struct Climatology: Sendable {
    /// Mean field per calendar slot, `[slot][lat, lon]`.
    public let means: [[Float]]
    /// Cells per frame.
    public let cells: Int

    /// Restores a fitted climatology from its stored mean fields (`[slot][lat, lon]`, 1 or 12 slots).
    public init(means: [[Float]], cells: Int) throws(EvaluationError) {
        guard means.count == 1 || means.count == 12, means.allSatisfy({ $0.count == cells }) else {
            throw EvaluationError(.shapeMismatch, "climatology needs 1 or 12 mean fields of \(cells) cells, got "
                                  + "\(means.count) of \(means.map(\.count))")
        }
        self.means = means
        self.cells = cells
    }

    /// Fits on `runs` (all monthly or all yearly).
    public static func fit(runs: [BaselineTrainingRun]) throws(EvaluationError) -> Climatology {
        guard let first = runs.first else {
            throw EvaluationError(.insufficientData, "climatology needs at least one training run")
        }
        let cells = first.cells, slots = first.axis.calendarSlotCount
        var sums = [[Double]](repeating: [Double](repeating: 0, count: cells), count: slots)
        var counts = [Int](repeating: 0, count: slots)
        for run in runs {
            guard run.cells == cells, run.axis.calendarSlotCount == slots else {
                throw EvaluationError(.shapeMismatch, "training runs disagree in cells or timescale")
            }
            for t in 0..<run.axis.count {
                let s = run.axis.calendarSlot(of: t)
                counts[s] += 1
                let base = t * cells
                for c in 0..<cells { sums[s][c] += Double(run.field[base + c]) }
            }
        }
        guard counts.allSatisfy({ $0 > 0 }) else {
            throw EvaluationError(.insufficientData, "a calendar month has no training frames")
        }
        return try Climatology(means: (0..<slots).map { s in sums[s].map { Float($0 / Double(counts[s])) } }, cells: cells)
    }

    /// The climatology repeated over `axis`, as a one-member ensemble `[1, time, lat, lon]`.
    public func predictEnsemble(axis: FrameAxis) throws(EvaluationError) -> EnsembleField {
        guard axis.calendarSlotCount == means.count else {
            throw EvaluationError(.invalidArgument, "climatology has \(means.count) slot(s), axis is \(axis.timescale.rawValue)")
        }
        var out: [Float] = []
        out.reserveCapacity(axis.count * cells)
        for t in 0..<axis.count { out.append(contentsOf: means[axis.calendarSlot(of: t)]) }
        return try EnsembleField(members: 1, times: axis.count, cells: cells, values: out)
    }
}

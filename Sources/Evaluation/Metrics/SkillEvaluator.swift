/// What to score: which periods, which timescales, and the ClimateBench anomaly reference.
public struct EvaluationPlan: Sendable, Equatable {
    /// Periods (e.g. 2015–2100 and 2080–2100). A period is scored on the frames of it the data
    /// covers, if they span at least ``minimumCoverage`` of its years (monthly fields for 2081–2100
    /// count for 2080–2100, not for 2015–2100).
    public var periods: [EvaluationPeriod]
    /// Smallest fraction of a period's years the data must cover for the period to be scored.
    public var minimumCoverage: Double = 0.9
    /// Timescales to score at; those finer than the data's are skipped.
    public var timescales: [Timescale]
    /// Worker threads for the scorer (results do not depend on it).
    public var threads: Int

    /// Creates a plan.
    public init(periods: [EvaluationPeriod], timescales: [Timescale] = Timescale.finestFirst, threads: Int = 1) {
        self.periods = periods
        self.timescales = timescales
        self.threads = threads
    }

    /// 2015–2100 and 2080–2100 at every timescale.
    public static func standard(threads: Int = 1) throws(EvaluationError) -> EvaluationPlan {
        EvaluationPlan(periods: [try EvaluationPeriod(firstYear: 2015, lastYear: 2100),
                                 try EvaluationPeriod(firstYear: 2080, lastYear: 2100)],
                       threads: threads)
    }
}

/// Turns one model's ensemble (or the truth itself, for the floor) into skill records over the
/// plan's periods and timescales.
public enum SkillEvaluator {
    /// Scores `ensemble` against `truth` (both `[member, time, lat, lon]` on `axis` and `grid`)
    /// for every (period, timescale) of `plan`: CRPS, RMSE, bias, spread, spread–skill and the
    /// ClimateBench NRMSEs.
    /// - Parameter reference: optional climatology `[lat, lon]` the NRMSE normaliser is taken relative to.
    public static func evaluate(model: String, esm: String, variable: String,
                                ensemble: EnsembleField, truth: EnsembleField, axis: FrameAxis,
                                grid: AreaWeightedGrid, plan: EvaluationPlan,
                                reference: [Float]? = nil) throws(EvaluationError) -> [SkillRecord] {
        do {
            return try run(model: model, esm: esm, variable: variable, axis: axis, grid: grid, plan: plan,
                           fields: [ensemble, truth]) { (fields: [EnsembleField]) throws(EvaluationError) in
                let scores = try EnsembleScorer.score(ensemble: fields[0], truth: fields[1], grid: grid,
                                                      threads: plan.threads)
                let nrmse = try ClimateBenchNRMSE.compute(prediction: fields[0], truth: fields[1], grid: grid,
                                                          reference: reference)
                return (scores, nrmse)
            }
        } catch {
            throw error.context(model: model, variable: variable)
        }
    }

    /// The floor records (model `floor`): the truth members scored leave-one-out against each other.
    public static func evaluateFloor(esm: String, variable: String, truth: EnsembleField, axis: FrameAxis,
                                     grid: AreaWeightedGrid, plan: EvaluationPlan,
                                     model: String = ModelID.floor) throws(EvaluationError) -> [SkillRecord] {
        do {
            return try run(model: model, esm: esm, variable: variable, axis: axis, grid: grid, plan: plan,
                           fields: [truth]) { (fields: [EnsembleField]) throws(EvaluationError) in
                (try EnsembleScorer.floor(truth: fields[0], grid: grid, threads: plan.threads), nil)
            }
        } catch {
            throw error.context(model: model, variable: variable)
        }
    }

    private static func run(model: String, esm: String, variable: String, axis: FrameAxis, grid: AreaWeightedGrid,
                            plan: EvaluationPlan, fields: [EnsembleField],
                            score: ([EnsembleField]) throws(EvaluationError) -> (SkillScores, ClimateBenchNRMSE?))
        throws(EvaluationError) -> [SkillRecord] {
        for f in fields where f.times != axis.count {
            throw EvaluationError(.shapeMismatch, "field has \(f.times) frames, axis \(axis.count)")
        }
        var records: [SkillRecord] = []
        for period in plan.periods {
            // try?: a period outside the sampled years has no frames to score; it is left out of the table, not an error
            guard let range = try? period.frames(in: axis) else { continue }
            let coveredYears = axis.years(of: range.upperBound - 1).upperBound - axis.years(of: range.lowerBound).lowerBound + 1
            guard Double(coveredYears) >= plan.minimumCoverage * Double(period.lastYear - period.firstYear + 1) else { continue }
            var sub = try fields.map { (f: EnsembleField) throws(EvaluationError) in try f.selecting(times: range) }
            var subAxis = FrameAxis(timescale: axis.timescale, startYear: axis.years(of: range.lowerBound).lowerBound,
                                   count: range.count)
            for timescale in plan.timescales.sorted() where timescale >= axis.timescale {
                if timescale != subAxis.timescale {
                    if subAxis.timescale == .monthly, subAxis.count % 12 != 0 { break }
                    var aggregated: [EnsembleField] = []
                    var newAxis = subAxis
                    for f in sub {
                        let (g, a) = try TimeAggregation.aggregate(f, axis: subAxis, to: timescale)
                        aggregated.append(g); newAxis = a
                    }
                    sub = aggregated; subAxis = newAxis
                }
                let (s, nrmse) = try score(sub)
                func add(_ metric: SkillMetric, _ value: Double) {
                    records.append(SkillRecord(esm: esm, model: model, variable: variable, timescale: timescale,
                                               period: period.label, metric: metric, value: value))
                }
                add(.crps, s.crps); add(.rmse, s.rmse); add(.bias, s.bias); add(.spread, s.spread)
                if let ssr = s.spreadSkill { add(.spreadSkill, ssr) }
                if let nrmse {
                    add(.nrmseSpatial, nrmse.spatial); add(.nrmseGlobal, nrmse.global); add(.nrmseTotal, nrmse.total)
                }
            }
        }
        return records
    }
}

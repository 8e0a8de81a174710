import Evaluation
import Foundation
import SPFEngine

/// `eval.evaluate`: scores every emulated ensemble and the cheap baselines against the simulator's
/// held-out members of the held-out scenario, per ESM and averaged over ESMs (as the SPF paper's
/// Table 4): latitude-weighted RMSE of the ensemble mean, bias, fair CRPS, spread–skill and the
/// ClimateBench NRMSE total, at the decadal, yearly and monthly timescales, over 2015–2100 and
/// 2080–2100; plus the floor (the simulator's members scored leave-one-out) and every model's CRPS
/// as a multiple of it.
///
/// Baselines fitted here on the training shards of each ESM: climatology, pattern scaling (per-cell,
/// per-calendar-month regression on the global forcings) and stochastic pattern scaling (the same
/// plus resampled whole-field residual segments of that ESM's training runs).
/// Yearly data (yearly shards and truth) are scored at the yearly and decadal timescales only. With one held-out member
/// per ESM there is no floor (it scores members leave-one-out): the output's `floor_note` says so and no CRPS ×floor is given.
/// Output: attributes `skill` (JSON list of skill records), `figures` (the headline `figure` lines,
/// which `spfflow run` prints at its end), `units`, `sampling` (JSON seconds per 10-year trajectory
/// per generative model).
public struct EvaluateSkill: NodeKind {
    /// Kind name.
    public static let name = "eval.evaluate"
    /// Implementation version (3: monthly headline figures of the later periods, named with the period;
    /// 4: antithetic member pairs scored with the estimators for such ensembles; 5: a timescale's figures come from the
    /// product of that timescale when there is one (the monthly product's yearly means no longer replace the yearly
    /// product's figures), and the baselines' `non_negative` variables are floored at zero like the emulators';
    /// 6: yearly truth and shards scored at the yearly and decadal timescales; no floor, and `floor_note`, with one member).
    public static let version = 6
    /// Summary.
    public static let summary = "Skill of the emulators and baselines against held-out simulator members (CRPS, RMSE, spread-skill, NRMSE)."
    /// Params.
    public struct Params: ParamSet {
        @Param("scenario", doc: "held-out scenario")
        public var scenario = "ssp245"
        @Param("periods", doc: "periods scored")
        public var periods = ["2015-2100", "2080-2100"]
        @Param("baseline_members", doc: "members of the stochastic pattern-scaling ensemble")
        public var baselineMembers = 20
        @Param("training_experiments", doc: "experiments the baselines are fitted on")
        public var trainingExperiments = ["historical", "ssp126", "ssp370", "ssp585"]
        @Param("non_negative", doc: "variables the baselines' predictions are floored at zero for (the emulators' products are floored when written)")
        public var nonNegative = ["pr"]

        /// Every period parses (`2015-2100`).
        public func validate() throws(ParamProblem) {
            for text in periods {
                do { _ = try EvaluationPeriod(parsing: text) } catch { throw $periods.problem("\(error)") }
            }
        }

        /// The declarations.
        public init() {}
    }
    /// Output schema.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.evaluation)
    /// Inputs.
    public static let inputs = [
        InputSpec("products", list: true, [PipelineObjects.ensembleProduct], doc: "spf.merge / spf.sample-baseline outputs (the emulated ensembles)"),
        InputSpec("truth", list: true, [PipelineObjects.curatedField], doc: "climate.regrid outputs of the held-out scenario (every ESM, variable, member)"),
        InputSpec("shards", list: true, [PipelineObjects.shardSet], doc: "spf.shards outputs (training data for the baselines)"),
        InputSpec("forcing", list: true, [PipelineObjects.alignedForcing], doc: "climate.align-forcings outputs of the held-out scenario, one per ESM"),
    ]
    /// Uses both cores for scoring.
    public static let threads = 2
    /// Makes the kind.
    public init() {}

    static let modelIDs = ["spf": ModelID.spf, "flat": ModelID.flatFlow, "ar": ModelID.autoregressiveFlow]

    /// Scores everything.
    public func run(_ context: NodeContext) throws {
        let p = try context.params(Params.self)
        let periods = try p.periods.map { try EvaluationPeriod(parsing: $0) }
        let plan = EvaluationPlan(periods: periods, threads: max(1, context.threads))
        let truth = try HeldOutTruth.load(try context.inputList("truth"), firstYear: periods.map(\.firstYear).min() ?? 2015,
                                          lastYear: periods.map(\.lastYear).max() ?? 2100, node: context.nodeID)
        var records: [SkillRecord] = []
        var sampling: [String: [Double]] = [:]
        let products = Self.finestFirst(try context.inputList("products"))
        for (i, object) in products.enumerated() {
            let stored = EnsembleProduct.Stored(object)
            guard let esm = stored.sourceID, let tsName = stored.timescaleName,
                  let timescale = Timescale(rawValue: tsName), let start = stored.startYear, let years = stored.years else {
                throw EngineError(.nodeFailed, "input \(object.key) is not an ensemble product", node: context.nodeID)
            }
            let model = Self.modelIDs[stored.model] ?? stored.model
            if let s = stored.secondsPerTrajectory { sampling["\(model) \(tsName)", default: []].append(s) }
            let axis = timescale == .decadal ? FrameAxis.decadal(startYear: start, endYear: start + years - 1)
                : FrameAxis(timescale: timescale, startYear: start, count: timescale == .monthly ? years * 12 : years)
            let truthAxis = FrameAxis(timescale: .monthly, startYear: axis.startYear, count: (axis.endYear + 1 - axis.startYear) * 12)
            for variable in try stored.variables(node: context.nodeID) {
                guard let t = truth.fields[esm]?[variable] else { continue }
                let ensemble = try EnsembleProduct.ensemble(object, variable: variable, grid: truth.grid, node: context.nodeID)
                // Scored at the product's own timescale and every coarser one (never finer than the truth resolves).
                for target in Timescale.finestFirst where target >= timescale && target >= truth.finest {
                    let (e, eAxis) = try TimeAggregation.aggregate(ensemble, axis: axis, to: target)
                    // The truth is monthly: select the product's years and average them up the same way.
                    let (tr, _) = try TimeAggregation.aggregate(try t.field.selecting(times: t.frames(of: axis)), axis: truthAxis, to: target)
                    var sub = plan
                    sub.timescales = [target]
                    records += try SkillEvaluator.evaluate(model: model, esm: esm, variable: variable, ensemble: e, truth: tr,
                                                           axis: eAxis, grid: truth.grid, plan: sub)
                }
            }
            context.progress(Double(i + 1) / Double(products.count + 2), "scored \(stored.recordedModel ?? "") \(esm) \(tsName)")
        }
        records += try scoreBaselinesAndFloor(context, truth: truth, plan: plan)
        var table = SkillTable(records: records, units: ["tas": "K", "pr": "kg m-2 s-1"])
        table = table.addingESMAverage().addingFloorMultiples()
        let figures = periods.first.map { table.headlineFigures(period: $0.label) } ?? []
        var lines = figures.map(\.line)
        // Monthly products usually cover only a late period (2081–2100 in the default): their figures come from the
        // later periods, named with the period (`spf_monthly_crps_tas_2080_2100`).
        for period in periods.dropFirst() {
            let suffix = period.label.replacingOccurrences(of: "-", with: "_")
            for figure in table.headlineFigures(period: period.label) where figure.name.contains("_monthly_") {
                lines.append(HeadlineFigure(name: "\(figure.name)_\(suffix)", value: figure.value, unit: figure.unit).line)
            }
        }
        for (label, seconds) in sampling.sorted(by: { $0.key < $1.key }) {
            let name = label.replacingOccurrences(of: " ", with: "_")
            lines.append(HeadlineFigure(name: "\(name)_seconds_per_trajectory", value: seconds.reduce(0, +) / Double(seconds.count), unit: "s").line)
        }
        if let note = Self.floorNote(truth) { context.log(note) }
        try EvaluationObject.write(records: table.records, figureLines: lines, sampling: sampling.mapValues { $0.reduce(0, +) / Double($0.count) },
                                   floorNote: Self.floorNote(truth), to: try context.output())
        context.log(lines.joined(separator: "\n"))
    }

    /// The products ordered finest timescale first (stable otherwise). Each product is also scored at every coarser
    /// timescale and a later record of the same key replaces an earlier one, so in this order a timescale's figures
    /// come from the product of that timescale itself, and from a finer product's averages only when there is none.
    static func finestFirst(_ products: [StoredObject]) -> [StoredObject] {
        finestFirst(products) { EnsembleProduct.Stored($0).timescaleName }
    }

    /// ``finestFirst(_:)`` for anything with a timescale name (an unknown name sorts first).
    public static func finestFirst<T>(_ items: [T], timescale: (T) -> String?) -> [T] {
        func rank(_ item: T) -> Int {
            Timescale(rawValue: timescale(item) ?? "").flatMap { Timescale.finestFirst.firstIndex(of: $0) } ?? 0
        }
        return items.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }

    /// Why there is no floor, when an ESM's held-out scenario has fewer than two members (nil when every ESM has a floor).
    static func floorNote(_ truth: HeldOutTruth) -> String? {
        var single: [String] = []
        for (esm, byVariable) in truth.fields.sorted(by: { $0.key < $1.key }) where byVariable.values.contains(where: { $0.field.members < 2 }) {
            single.append(esm)
        }
        guard !single.isEmpty else { return nil }
        return "No floor for \(single.joined(separator: ", ")): the held-out scenario has one member, and the floor scores the simulator's "
            + "members leave-one-out (it needs at least two); the emulators are compared with the cheap baselines only."
    }

    /// Climatology, pattern scaling, stochastic pattern scaling and the floor for every ESM and variable.
    func scoreBaselinesAndFloor(_ context: NodeContext, truth: HeldOutTruth, plan: EvaluationPlan) throws -> [SkillRecord] {
        let p = try context.params(Params.self)
        let split = Set(p.trainingExperiments)
        let members = p.baselineMembers
        let nonNegative = Set(p.nonNegative)
        var forcingByESM: [String: StoredObject] = [:]
        let forcingObjects = try context.inputList("forcing")
        for f in forcingObjects { if let s = AlignedForcingObject.sourceID(f) { forcingByESM[s] = f } }
        // One forcing aligned without a data input (no source_id, e.g. an archive's own CSV forcing) serves every ESM.
        let sharedForcing = forcingObjects.count == 1 && forcingByESM.isEmpty ? forcingObjects.first : nil
        var records: [SkillRecord] = []
        for object in try context.inputList("shards") {
            let shard = try ShardSetObject.read(object, node: context.nodeID, experiments: split)
            let esm = shard.sourceID
            guard let forcing = forcingByESM[esm] ?? sharedForcing else {
                context.log("\(esm): no forcing of the held-out scenario for it among input 'forcing': no baselines")
                continue
            }
            let (fshape, fvalues) = try AlignedForcingObject.monthly(forcing)
            let fStart = AlignedForcingObject.firstYear(forcing) ?? 2015
            let cells = shard.height * shard.width, g = shard.forcingNames.count
            for (c, variable) in shard.variables.enumerated() {
                guard let t = truth.fields[esm]?[variable] else { continue }
                let runs = try shard.runs.map { r -> BaselineTrainingRun in
                    var field = [Float](repeating: 0, count: r.entry.months * cells)
                    for m in 0..<r.entry.months {
                        let src = (m * shard.variables.count + c) * cells
                        for k in 0..<cells { field[m * cells + k] = r.fields[src + k] }
                    }
                    let forcings = (0..<r.entry.months).map { m in (0..<g).map { Double(r.forcing[m * g + $0]) } }
                    return try BaselineTrainingRun(field: field, forcings: forcings,
                                                   axis: FrameAxis(timescale: .monthly, startYear: r.entry.startYear, count: r.entry.months),
                                                   cells: cells)
                }
                let axis = t.axis
                let offset = (axis.startYear - fStart) * 12
                guard offset >= 0, offset + axis.count <= fshape[0] else {
                    throw EngineError(.nodeFailed, "\(esm): the forcing does not cover the truth period", node: context.nodeID)
                }
                let forcings = (0..<axis.count).map { m in (0..<g).map { Double(fvalues[(offset + m) * g + $0]) } }
                let ps = try PatternScaling.fit(runs: runs)
                let sps = try StochasticPatternScaling.fit(runs: runs)
                let clim = try Climatology.fit(runs: runs)
                var candidates: [(String, EnsembleField)] = [
                    (ModelID.climatology, try clim.predictEnsemble(axis: axis)),
                    (ModelID.patternScaling, try ps.predictEnsemble(forcings: forcings, axis: axis)),
                    (ModelID.stochasticPatternScaling, try sps.sample(forcings: forcings, axis: axis, members: members, seed: context.seed)),
                ]
                for i in candidates.indices {
                    EnsembleProduct.floorNonNegative(&candidates[i].1.values, variables: [variable], nonNegative: nonNegative, plane: cells)
                }
                for target in Timescale.finestFirst where target >= truth.finest {
                    let (tr, tAxis) = try TimeAggregation.aggregate(t.field, axis: axis, to: target)
                    var sub = plan
                    sub.timescales = [target]
                    for (model, field) in candidates {
                        let (e, _) = try TimeAggregation.aggregate(field, axis: axis, to: target)
                        records += try SkillEvaluator.evaluate(model: model, esm: esm, variable: variable, ensemble: e, truth: tr,
                                                               axis: tAxis, grid: truth.grid, plan: sub)
                    }
                    if tr.members >= 2 {
                        records += try SkillEvaluator.evaluateFloor(esm: esm, variable: variable, truth: tr, axis: tAxis, grid: truth.grid, plan: sub)
                    }
                }
            }
        }
        return records
    }
}

/// The simulator's held-out members of the held-out scenario, monthly (yearly data held over their months, see
/// ``MonthlyFrames``), per ESM and variable.
struct HeldOutTruth {
    struct Field {
        /// `[member, month, lat, lon]` from January of `axis.startYear`.
        var field: EnsembleField
        var axis: FrameAxis
        /// The frames of `field` (monthly) covering a product axis.
        func frames(of product: FrameAxis) throws -> Range<Int> {
            let lo = (product.startYear - axis.startYear) * 12
            let hi = (product.endYear + 1 - axis.startYear) * 12
            guard lo >= 0, hi <= axis.count else {
                throw EvaluationError(.insufficientData, "truth covers \(axis.startYear)-\(axis.endYear), product \(product.startYear)-\(product.endYear)")
            }
            return lo..<hi
        }
    }
    var grid: AreaWeightedGrid
    var fields: [String: [String: Field]]
    /// The finest timescale every truth input resolves (yearly when any is yearly data).
    var finest: Timescale = .monthly

    static func load(_ objects: [StoredObject], firstYear: Int, lastYear: Int, node: String) throws -> HeldOutTruth {
        var groups: [String: [String: [(String, [Float])]]] = [:]
        var grid: AreaWeightedGrid?
        var finest = Timescale.monthly
        for object in objects {
            let o = try ClimateFieldObject.read(object)
            guard o.field.time != nil else { continue }
            let frames = try MonthlyFrames.of(o.field, what: "truth \(o.sourceID ?? "") \(o.member ?? "")", node: node)
            if frames.timescale == .yearly { finest = .yearly }
            let g = o.field.grid, cells = g.nlat * g.nlon
            if grid == nil { grid = try AreaWeightedGrid(latitudes: g.lat, longitudes: g.lon) }
            let lo = (firstYear - frames.startYear) * 12 - (frames.startMonth - 1), n = (lastYear - firstYear + 1) * 12
            guard lo >= 0, lo + n <= frames.months else {
                throw EngineError(.nodeFailed, "truth \(o.sourceID ?? "") \(o.member ?? "") covers \(frames.startYear)-\(frames.startYear + (frames.months + frames.startMonth - 2) / 12), not \(firstYear)-\(lastYear) (param 'periods')", node: node)
            }
            let values = Array(frames.values[(lo * cells)..<((lo + n) * cells)])
            groups[o.sourceID ?? "?", default: [:]][o.field.variable.name, default: []].append((o.member ?? "", values))
        }
        guard let grid else { throw EngineError(.nodeFailed, "no truth inputs", node: node) }
        var fields: [String: [String: Field]] = [:]
        let months = (lastYear - firstYear + 1) * 12
        for (esm, byVariable) in groups {
            for (variable, members) in byVariable {
                let sorted = members.sorted { $0.0 < $1.0 }
                fields[esm, default: [:]][variable] = Field(
                    field: try EnsembleField(members: sorted.count, times: months, grid: grid, values: sorted.flatMap(\.1)),
                    axis: FrameAxis(timescale: .monthly, startYear: firstYear, count: months))
            }
        }
        return HeldOutTruth(grid: grid, fields: fields, finest: finest)
    }
}

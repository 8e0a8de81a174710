import Evaluation
import Foundation
import SPFEngine

/// `eval.report`: the run's report directory, `report/index.html` and `report/index.md` with SVG
/// figures, in the output's files directory. It leads with the answer (each variable's CRPS against the
/// floor, the CRPS-versus-floor chart, one skill table per variable and timescale) and then shows the
/// skill per ESM, the headline `figure` lines (collapsed, and in `figures.txt`), maps with coastlines of the emulator's ensemble mean, spread and error against a held-out member for a
/// late-century decade, global-mean series from the historical runs to 2100 with each ensemble's
/// 5–95 % band against the truth members, the scenarios' forcing paths (input `forcing`), the per-ESM
/// curation summary, the DAG with what was cached and what ran, and the timings. When the evaluation had no
/// floor (one held-out member), the report says so.
///
/// The DAG and timings come from `NodeContext.runSnapshot`, which is not part of the cache key: a
/// cached report shows the run that produced it. Output attributes: `figures` (the evaluation's
/// headline `figure` lines, which `spfflow run` prints at its end), `report` (the report's path
/// inside the files directory). With `publish_dir` the report is also copied there (not part of the
/// key: a cached report is not published again).
public struct WriteReport: NodeKind {
    /// Kind name.
    public static let name = "eval.report"
    /// Implementation version (2: the summary gives each model's ensemble size, not the first product's for all;
    /// 3: spread maps of antithetic ensembles leave each member's partner out; 4: SVG figures with coastlines,
    /// the answer first, skill tables per variable; 5: the forcing paths of the `forcing` inputs, the evaluation's floor note).
    public static let version = 5
    /// Summary.
    public static let summary = "Report directory (HTML + Markdown + SVG): skill against the floor, maps with coastlines, global-mean series, curation, DAG, timings."
    /// Params.
    public struct Params: ParamSet {
        @Param("title", doc: "page title")
        public var title = "spfflow run report"
        @Param("scenario", doc: "held-out scenario (labels)")
        public var scenario = "ssp245"
        @Param("map_years", doc: "decade of the maps; when the products do not cover it, their last decade covered by the truth")
        public var mapYears = "2081-2090"
        @Param("map_model", doc: "model whose ensemble is mapped (first model when absent)")
        public var mapModel = "spf"
        @Param("publish_dir", key: false, doc: "directory the report is also copied to, replacing the previous one there (empty: cache only)")
        public var publishDir = ""

        /// The map decade parses (`2081-2090`).
        public func validate() throws(ParamProblem) {
            do { _ = try EvaluationPeriod(parsing: mapYears) } catch { throw $mapYears.problem("\(error)") }
        }

        /// The declarations.
        public init() {}
    }
    /// Output schema.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.report)
    /// Inputs.
    public static let inputs = [
        InputSpec("evaluation", [PipelineObjects.evaluation], doc: "eval.evaluate output"),
        InputSpec("products", list: true, [PipelineObjects.ensembleProduct], doc: "spf.merge / spf.sample-baseline outputs"),
        InputSpec("truth", list: true, [PipelineObjects.curatedField], doc: "climate.regrid outputs of the held-out scenario (every ESM, variable, member)"),
        InputSpec("shards", list: true, [PipelineObjects.shardSet], doc: "spf.shards outputs (curation summary, historical global means)"),
        InputSpec("forcing", list: true, optional: true, [PipelineObjects.alignedForcing],
                  doc: "climate.align-forcings outputs whose forcing paths are drawn (one line per scenario)"),
    ]
    /// Makes the kind.
    public init() {}

    /// Writes the report.
    public func run(_ context: NodeContext) throws {
        let started = Date()
        let p = try context.params(Params.self)
        let scenario = p.scenario
        let evaluation = try context.input("evaluation")
        let records = try EvaluationObject.records(evaluation, node: context.nodeID)
        let (grid, truth) = try ReportData.loadTruth(try context.inputList("truth"), node: context.nodeID)
        let data = ReportData(grid: grid, truth: truth, products: try ReportData.loadProducts(try context.inputList("products"), node: context.nodeID))
        context.progress(0.2, "read truth and products")
        var units: [String: String] = [:]
        for byVariable in truth.values { for (v, t) in byVariable { units[v] = t.units } }
        var skill = SkillTable(records: records, units: units)
        if !skill.esms.contains(SkillRecord.allESMs) { skill = skill.addingESMAverage() }
        if !skill.records.contains(where: { $0.metric == .crpsOverFloor }) { skill = skill.addingFloorMultiples() }

        var history: [String: [String: ReportData.History]] = [:]
        var curation: [CurationSummary] = []
        for object in try context.inputList("shards") {
            let h = try ReportData.loadHistory(object, heldOut: truth, scenario: scenario, node: context.nodeID)
            history[h.esm] = h.history
            curation.append(h.curation)
        }
        context.progress(0.4, "read the historical runs")
        let esms = truth.keys.sorted()
        var sections: [ReportSection] = []
        for esm in esms {
            for variable in (truth[esm] ?? [:]).keys.sorted() {
                guard let t = truth[esm]?[variable] else { continue }
                if let maps = try ReportPlots.maps(data: data, esm: esm, variable: variable, truth: t,
                                                   wanted: try EvaluationPeriod(parsing: p.mapYears),
                                                   model: p.mapModel) {
                    sections.append(maps)
                }
                sections.append(try ReportPlots.series(data: data, esm: esm, variable: variable, truth: t,
                                                       history: history[esm]?[variable], scenario: scenario))
            }
        }
        if let paths = try ForcingPathPlots.section(try context.inputList("forcing"), node: context.nodeID) {
            sections.append(paths)
        }
        context.progress(0.8, "drew \(sections.count) figure sections")

        let snapshot = context.runSnapshot
        var dag: [DAGNodeStatus] = []
        var timings: [TimingEntry] = []
        var notes: [String] = []
        if let floorNote = EvaluationObject.floorNote(evaluation), !floorNote.isEmpty { notes.append(floorNote) }
        if let snapshot {
            dag = snapshot.nodes.map { n in
                let status: DAGNodeStatus.Status = switch n.status {
                case .cached: .cached
                case .ran, .running: .ran
                case .failed: .failed
                }
                return DAGNodeStatus(name: n.id, kind: n.kind, status: status,
                                     seconds: n.status == .running ? Date().timeIntervalSince(started) : n.seconds, inputs: n.inputs)
            }
            timings.append(TimingEntry(label: "run \(snapshot.runID) wall time up to this report",
                                       seconds: Date().timeIntervalSince(snapshot.startedAt)))
            let ran = dag.filter { $0.status == .ran }
            timings.append(TimingEntry(label: "node time summed over the \(ran.count) node(s) computed", seconds: ran.reduce(0) { $0 + $1.seconds }))
            for n in ran.sorted(by: { $0.seconds > $1.seconds }).prefix(5) {
                timings.append(TimingEntry(label: "slowest: \(n.name) (\(n.kind))", seconds: n.seconds))
            }
            notes.append("The DAG and timings are those of run \(snapshot.runID), which wrote this report; "
                         + "a later run that finds the report in the cache shows it unchanged.")
        } else {
            notes.append("This report was computed outside a scheduled run (e.g. `spfflow exec-node`): no DAG or run timings.")
        }
        if let sampling = EvaluationObject.sampling(evaluation) {
            for (label, seconds) in sampling.sorted(by: { $0.key < $1.key }) {
                timings.append(TimingEntry(label: "sampling, \(label), per member and 10 simulated years", seconds: seconds))
            }
        }
        let headline = skill.periods.first ?? ""
        // Each model with its ensemble size(s): the baselines are often sampled smaller than SPF.
        var membersByModel: [String: Set<String>] = [:]
        for product in data.products { membersByModel[product.model, default: []].insert(EnsembleProduct.Stored(product.object).membersText ?? "?") }
        let models = membersByModel.keys.sorted().map { model in
            let sizes = (membersByModel[model] ?? []).sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }.joined(separator: " or ")
            return "\(skill.label(model)) (\(sizes) members)"
        }.joined(separator: ", ")
        let summary = "Manifest \(snapshot?.manifestName ?? "?"): \(esms.count) ESM(s) (\(esms.joined(separator: ", "))), "
            + "held-out scenario \(scenario); emulated ensembles of \(models), "
            + "scored against \(truth.values.first?.values.first?.members.count ?? 0) held-out simulator members per ESM."
            + (EvaluationObject.floorNote(evaluation).map { " " + $0 } ?? "")
        let content = ReportContent(title: p.title, summary: summary, skill: skill, headlinePeriod: headline,
                                    sections: sections, curation: curation, dag: dag, timings: timings, notes: notes)
        let out = try context.output()
        let directory = out.filesDirectory.appendingPathComponent(ReportObject.directory, isDirectory: true)
        let written = try ReportWriter.write(content, to: directory)
        try ReportObject.write(figures: EvaluationObject.figures(evaluation), fileCount: written.count, to: out)
        context.log("report: \(written.count) files in \(directory.path)")
        let publish = p.publishDir
        if !publish.isEmpty {
            try Self.publish(directory, to: URL(fileURLWithPath: publish, isDirectory: true))
            context.log("report published to \(publish)/index.html")
        }
    }

    /// Copies the report directory to `target`: copied beside it first, then swapped in by renames,
    /// so a reader never sees a half-written report (at worst, for an instant, none).
    package static func publish(_ directory: URL, to target: URL) throws {
        let fm = FileManager.default
        let parent = target.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let staged = parent.appendingPathComponent(".\(target.lastPathComponent).new-\(UUID().uuidString.prefix(8))")
        let retired = parent.appendingPathComponent(".\(target.lastPathComponent).old-\(UUID().uuidString.prefix(8))")
        try fm.copyItem(at: directory, to: staged)
        if fm.fileExists(atPath: target.path) { try fm.moveItem(at: target, to: retired) }
        try fm.moveItem(at: staged, to: target)
        // try?: the published copy is already in place; a retired copy left behind is a hidden folder, replaced next time
        try? fm.removeItem(at: retired)
    }
}

import Evaluation
import Foundation
import SPFEngine

/// `eval.scenario-report`: the report of a sampling run with no simulation to score against (a scenario no ESM ran,
/// as in `Manifests/new-scenario.yaml`): `report/index.html` and `report/index.md` in the output's files directory,
/// with every scenario's forcing paths (one plot per conditioning channel, one line per scenario, and where each path
/// came from: RCMIP, an IAMC scenario file and the simple climate model, a CSV series) and the ensembles sampled.
/// There is no skill: nothing was held out. Output attribute `report` (the report's path in the files directory).
public struct WriteScenarioReport: NodeKind {
    /// Kind name.
    public static let name = "eval.scenario-report"
    /// Implementation version.
    public static let version = 1
    /// Summary.
    public static let summary = "Report of sampled scenarios without a truth (HTML + Markdown + SVG): each scenario's forcing paths and the ensembles."
    /// Params.
    public static let params = [
        ParamSpec("title", .string, default: "spfflow scenario report", doc: "page title"),
    ]
    /// Output schema.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.report)
    /// Inputs.
    public static let inputs = [
        InputSpec("forcing", list: true, [PipelineObjects.alignedForcing], doc: "climate.align-forcings outputs of the scenarios (one line each)"),
        InputSpec("products", list: true, optional: true, [PipelineObjects.ensembleProduct], doc: "spf.merge outputs (listed with their ESM, scenario, period and size)"),
    ]
    /// Makes the kind.
    public init() {}

    /// Writes the report.
    public func run(_ context: NodeContext) throws {
        var sections: [ReportSection] = []
        if let paths = try ForcingPathPlots.section(try context.inputList("forcing"), node: context.nodeID) { sections.append(paths) }
        let products = try ReportData.loadProducts(try context.inputList("products"), node: context.nodeID)
        let listed = products.map { p in
            "\(p.esm) \(p.object.attribute("scenario") ?? "?"), \(p.timescale.rawValue) \(p.startYear)–\(p.endYear), "
                + "\(p.object.attribute("members") ?? "?") members (\(p.variables.joined(separator: ", ")))"
        }
        if !listed.isEmpty {
            sections.append(ReportSection(title: "Ensembles", text: "Sampled: " + listed.joined(separator: "; ") + ".", figures: []))
        }
        let scenarios = try context.inputList("forcing").compactMap { $0.attribute("experiment_id") }
        let summary = "Manifest \(context.runSnapshot?.manifestName ?? "?"): \(products.count) ensemble(s) sampled for "
            + "\(scenarios.joined(separator: ", ")). No simulation of these scenarios was held out, so there is no skill to show; "
            + "the forcing paths below are what each ensemble was conditioned on."
        let content = ReportContent(title: try context.params.string("title"), summary: summary, skill: SkillTable(records: [], units: [:]),
                                    headlinePeriod: "", sections: sections)
        let out = try context.output()
        let directory = out.filesDirectory.appendingPathComponent("report", isDirectory: true)
        let written = try ReportWriter.write(content, to: directory)
        try out.setAttribute("report", "report/index.html")
        try out.write("file_count", shape: [1], values: [Int64(written.count)])
        context.log("scenario report: \(written.count) files in \(directory.path)")
    }
}

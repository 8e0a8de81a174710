import Evaluation
import Foundation
import SPFEngine

/// `eval.scenario-report`: the report of a sampling run with no simulation to score against (a scenario no ESM ran,
/// as in `Manifests/new-scenario.yaml`): `report/index.html` and `report/index.md` in the output's files directory,
/// with every scenario's forcing paths (one plot per conditioning channel, one line per scenario, and where each path
/// came from: RCMIP, an IAMC scenario file and the simple climate model, a CSV series) and the ensembles sampled.
/// There is no skill: nothing was held out. Output: a `report` object (``ReportObject``) with no figure lines.
public struct WriteScenarioReport: NodeKind {
    /// Kind name.
    public static let name = "eval.scenario-report"
    /// Implementation version.
    public static let version = 1
    /// Summary.
    public static let summary = "Report of sampled scenarios without a truth (HTML + Markdown + SVG): each scenario's forcing paths and the ensembles."
    /// Params.
    public struct Params: ParamSet {
        @Param("title", doc: "page title")
        public var title = "spfflow scenario report"

        /// The declarations.
        public init() {}
    }
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
        let p = try context.params(Params.self)
        var sections: [ReportSection] = []
        if let paths = try ForcingPathPlots.section(try context.inputList("forcing"), node: context.nodeID) { sections.append(paths) }
        let products = try ReportData.loadProducts(try context.inputList("products"), node: context.nodeID)
        let listed = products.map { product in
            let stored = EnsembleProduct.Stored(product.object)
            return "\(product.esm) \(stored.scenario ?? "?"), \(product.timescale.rawValue) \(product.startYear)–\(product.endYear), "
                + "\(stored.membersText ?? "?") members (\(product.variables.joined(separator: ", ")))"
        }
        if !listed.isEmpty {
            sections.append(ReportSection(title: "Ensembles", text: "Sampled: " + listed.joined(separator: "; ") + ".", figures: []))
        }
        let scenarios = try context.inputList("forcing").compactMap { AlignedForcingObject.experimentID($0) }
        let summary = "Manifest \(context.runSnapshot?.manifestName ?? "?"): \(products.count) ensemble(s) sampled for "
            + "\(scenarios.joined(separator: ", ")). No simulation of these scenarios was held out, so there is no skill to show; "
            + "the forcing paths below are what each ensemble was conditioned on."
        let content = ReportContent(title: p.title, summary: summary, skill: SkillTable(records: [], units: [:]),
                                    headlinePeriod: "", sections: sections)
        let out = try context.output()
        let directory = out.filesDirectory.appendingPathComponent(ReportObject.directory, isDirectory: true)
        let written = try ReportWriter.write(content, to: directory)
        // No skill, so no headline figure lines.
        try ReportObject.write(figures: "", fileCount: written.count, to: out)
        context.log("scenario report: \(written.count) files in \(directory.path)")
    }
}

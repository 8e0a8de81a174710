import Foundation
import SPFEngine
import SPFModel

/// `spf.norm-stats`: per-variable and per-forcing normalisation statistics, computed on the
/// training split only (the held-out scenario never enters them).
///
/// Output attribute `normalizer` (JSON of SPFModel's `Normalizer`), datasets `field_mean`,
/// `field_std` `[C]` and `forcing_mean`, `forcing_std` `[G]` for inspection, and with the per-cell climatology
/// `field_climatology` `[ESM, calendar month, C, lat, lon]` (ESM order in attribute `climatology_sources`); with
/// pattern scaling, `field_climatology` holds the intercepts and `field_forcing_slopes`
/// `[ESM, calendar month, forcing, C, lat, lon]` the slopes per normalised global forcing; with `cell_std`,
/// `field_cell_std` `[ESM, C, lat, lon]` the per-cell stds that normalise the anomalies.
public struct NormalizationStats: NodeKind {
    /// Kind name.
    public static let name = "spf.norm-stats"
    /// Implementation version (2: optional per-ESM seasonal climatology of the fields; 3: optional per-cell pattern scaling;
    /// 4: optional per-cell std).
    public static let version = 4
    /// Summary.
    public static let summary = "Normalisation statistics of the training split (fields and forcings)."
    /// What the fields' normalisation subtracts before scaling.
    public enum Climatology: String, CaseIterable, ParamChoice, Sendable {
        /// Each ESM's per-cell, per-calendar-month linear response to the global forcings.
        case patternScaling = "pattern-scaling"
        /// Each ESM's mean seasonal cycle per cell.
        case perCell = "per-cell"
        /// The per-variable mean only.
        case none
    }

    /// Params.
    public struct Params: ParamSet {
        @Param("experiments", doc: "experiments of the training split")
        public var experiments = ["historical", "ssp126", "ssp370", "ssp585"]
        @Param("climatology",
               doc: "pattern-scaling: subtract each ESM's per-cell, per-calendar-month linear response to the global forcings "
                + "(the model learns what pattern scaling misses); per-cell: each ESM's mean seasonal cycle per cell (the model "
                + "learns anomalies); none: per-variable mean only")
        public var climatology: Climatology = .patternScaling
        @Param("cell_std",
               doc: "variables whose anomalies are scaled by each ESM's std per cell instead of one std per variable (e.g. "
                + "[pr]: the ITCZ's spread is twenty times the deserts'; needs a climatology)")
        public var cellStd: [String] = []

        /// Per-cell stds are of anomalies from a per-ESM climatology.
        public func validate() throws(ParamProblem) {
            if !cellStd.isEmpty, climatology == .none {
                throw $cellStd.problem("needs a per-ESM climatology: param 'climatology' is 'none'")
            }
        }

        /// The declarations.
        public init() {}
    }
    /// Output schema.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.normaliser)
    /// Inputs.
    public static let inputs = [InputSpec("shards", list: true, [PipelineObjects.shardSet], doc: "spf.shards outputs")]
    /// Makes the kind.
    public init() {}

    /// Which of the shards' `variables` param `cell_std` scales per cell (`names` must be among them, and need a
    /// per-ESM climatology).
    public static func perCellStd(_ names: [String], variables: [String], climatology: Climatology, node: String) throws -> [Bool] {
        if let unknown = names.first(where: { !variables.contains($0) }) {
            throw EngineError(.nodeFailed, "param 'cell_std' names variable '\(unknown)', but the shards hold \(variables.joined(separator: ", "))",
                              node: node)
        }
        if !names.isEmpty, climatology == .none {
            throw EngineError(.nodeFailed, "param 'cell_std' needs a per-ESM climatology: param 'climatology' is 'none'", node: node)
        }
        return variables.map { names.contains($0) }
    }

    /// Fits the statistics.
    public func run(_ context: NodeContext) throws {
        let p = try context.params(Params.self)
        let split = Set(p.experiments)
        let shards = try context.inputList("shards").map { try ShardSetObject.read($0, node: context.nodeID, experiments: split) }
        let sources = shards.map(\.sourceID)
        let runs = try ShardSetObject.trainingRuns(shards, sources: sources, node: context.nodeID)
        guard let channels = shards.first?.variables.count, !runs.isEmpty else {
            throw EngineError(.nodeFailed, "no training runs of experiments \(split.sorted()) in the shards", node: context.nodeID)
        }
        let mode = p.climatology
        let perCell = try Self.perCellStd(p.cellStd, variables: shards.first?.variables ?? [],
                                          climatology: mode, node: context.nodeID)
        let norm = try Normalizer.fit(runs: runs, channels: channels, climatologySources: mode == .none ? nil : sources,
                                      regressOnForcing: mode == .patternScaling, perCellStd: perCell)
        try NormaliserObject.write(norm, channels: channels, height: shards.first?.height, width: shards.first?.width, to: try context.output())
        context.log("fitted on \(runs.count) runs of \(sources.count) ESMs: field mean \(norm.fieldMean), std \(norm.fieldStd)")
    }
}

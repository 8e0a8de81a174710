import ClimateData
import Foundation
import SPFEngine

/// `climate.curate`: selects one dataset from a `climate.discover` output, reads and joins its
/// files (one vertical level), decodes time in the model's own calendar, and averages to
/// months, years or decades with that calendar's month lengths as weights.
public struct CurateCMIP6: NodeKind {
    /// Kind name.
    public static let name = "climate.curate"
    /// Implementation version.
    public static let version = 1
    /// Curation hands the user's files to netCDF-C and HDF5, which a corrupt file can crash (`make fuzz`
    /// found such files): under the local executor each curation runs in its own process, so a crash
    /// fails this node, naming it, and the run goes on with the rest.
    public static let runsInOwnProcess = true
    /// Summary.
    public static let summary = "Select one CMIP6 dataset, decode it (fills, calendar, grid normalisation) and aggregate in time with calendar weights."
    /// Output schema.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.curatedField)
    /// Inputs.
    public static let inputs = [InputSpec("catalog", [PipelineObjects.catalog], doc: "a climate.discover output")]
    /// Params.
    public struct Params: ParamSet {
        @Param("source_id", doc: "source_id of the dataset")
        public var sourceID: String
        @Param("experiment", doc: "experiment_id (empty: the only one)")
        public var experiment = ""
        @Param("member", doc: "member_id, or a realization like r2 matching r2i1p1f1 / r2i1p1f2 (empty: the only one)")
        public var member = ""
        @Param("table", doc: "table_id (empty: the only one)")
        public var table = ""
        @Param("variable", doc: "variable_id (empty: the only one)")
        public var variable = ""
        @Param("period", doc: "none, month, year or decade")
        var period: TimeCuration.Period = .year
        @ParamGroup
        var settings: CurationSettings

        /// The declarations.
        public init() {}
    }
    /// Makes the kind.
    public init() {}

    /// Writes the curated field (see `ClimateFieldObject`).
    public func run(_ context: NodeContext) throws {
        let p = try context.params(Params.self)
        let catalog = try context.input("catalog")
        let all = try DiscoveredDataset.all(in: catalog)
        func want(_ value: String, _ v: String, member: Bool = false) -> Bool {
            // A member given as a realization ("r2") matches that realization's label in any model
            // ("r2i1p1f1", UKESM1-0-LL's "r2i1p1f2").
            if member, v.hasPrefix("r"), v.dropFirst().allSatisfy(\.isNumber) { return value.hasPrefix(v + "i") }
            return v.isEmpty || v == value
        }
        var matches: [DiscoveredDataset] = []
        for d in all where want(d.sourceID, p.sourceID) && want(d.experiment, p.experiment) && want(d.member, p.member, member: true)
            && want(d.table, p.table) && want(d.variable, p.variable) { matches.append(d) }
        guard matches.count == 1, let chosen = matches.first else {
            throw ClimateDataError(.dataset, matches.isEmpty
                ? "no dataset in the catalog matches source_id=\(p.sourceID) (available: \(Set(all.map(\.sourceID)).sorted().joined(separator: ", ")))"
                : "several datasets match (\(matches.map(\.id).joined(separator: ", "))); set experiment/member/table/variable")
        }
        let options = try p.settings.readOptions()
        context.progress(0.1, "reading \(chosen.files.count) file(s)")
        // The catalog's paths are relative to its root (a store object's files, looked up in this cache, or a directory).
        let root = try CatalogRoot.of(catalog)?.resolve(in: context.store)
        var (field, issues, summary) = try chosen.dataset(root: root).read(options: options)
        for i in issues { context.log(i.description) }
        let curation = try p.settings.timeCuration(period: p.period)
        try curation.apply(to: &field, summary: &summary, id: chosen.id) { context.progress($0, $1) }
        let period = curation.period
        let facets = ClimateFieldObject.facets(sourceID: chosen.sourceID, experiment: chosen.experiment, member: chosen.member, table: chosen.table, period: period)
        let obj = ClimateFieldObject(field: field, facets: facets, summary: summary)
        try obj.write(to: try context.output("out"))
        context.log("\(chosen.id): \(summary.files) file(s), \(summary.firstYear)–\(summary.lastYear), \(summary.calendar), \(summary.grid)")
    }
}

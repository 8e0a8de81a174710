import ClimateData
import Foundation
import SPFEngine

/// `climate.generate-suite`: the simulated ClimateSuite as CMIP6 netCDF in the DRS layout
/// (`CMIP6/<activity>/<institution>/<source_id>/<experiment>/<member>/Amon/<var>/<grid>/<version>/…`),
/// written into the output's files directory so the CMIP6 discovery and CF reader curate it like
/// ESGF downloads. Datasets: `ebm_temperature_<source>_<experiment>_<member>` (the energy-balance
/// global temperature per month, K, shape [months]: the noise-free forced truth); attribute
/// `runs` (JSON list of the runs with calendar, grid and years) and `model_years`.
public struct GenerateSuite: NodeKind {
    /// Kind name.
    public static let name = "climate.generate-suite"
    /// Implementation version.
    public static let version = 1
    /// Summary.
    public static let summary = "Simulated ClimateSuite (10 ESMs, historical/SSP/G6sulfur, monthly tas+pr) as CMIP6 DRS netCDF."
    /// Output schema.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.fileTree)
    /// Params.
    public struct Params: ParamSet {
        @Param("models", doc: "CMIP6 source_ids to simulate")
        public var models = ClimateSuiteCatalog.models.map(\.sourceID)
        @Param("experiments", doc: "experiments (historical, ssp126, ssp245, ssp370, ssp585, G6sulfur for the SAI models)")
        public var experiments = ["historical"] + ClimateSuiteCatalog.scenarioExperiments + [SAIInjection.g6sulfur.experiment]
        @Param("members", doc: "members per model and experiment")
        public var members = 3
        @Param("grid_scale", doc: "grid scale factor per axis relative to the native grids")
        public var gridScale = 0.25
        @Param("first_year", doc: "first historical year")
        public var firstYear = 1850
        @Param("last_year", doc: "last scenario year")
        public var lastYear = 2100
        @Param("rcmip_dir", doc: "directory with the RCMIP extract (default: Manifests/data/forcings found from the working directory)")
        public var rcmipDir = ""
        @Param("deflate_level", .range(min: 0, max: 9), doc: "netCDF deflate level of the files (0 = uncompressed, fastest; 1 = CMOR's default)")
        public var deflateLevel = ClimateSuiteWriter.defaultDeflateLevel

        /// The declarations.
        public init() {}
    }
    /// Uses both cores (members and models run in parallel; output does not depend on it).
    public static let threads = 2
    /// Makes the kind.
    public init() {}

    /// Simulates and writes the tree.
    public func run(_ context: NodeContext) throws {
        let p = try context.params(Params.self)
        let config = ClimateSuiteConfiguration(
            models: p.models, experiments: p.experiments,
            members: p.members, gridScale: p.gridScale,
            firstYear: p.firstYear, lastYear: p.lastYear, seed: context.seed)
        let rcmip = p.rcmipDir
        let forcing = try RCMIPForcingData(directory: RCMIPForcingData.locateExtract(explicit: rcmip.isEmpty ? nil : rcmip))
        let simulator = try ClimateSuiteSimulator(configuration: config, forcing: forcing)
        let out = try context.output("out")
        let deflate = p.deflateLevel
        let writer = ClimateSuiteWriter(root: out.filesDirectory, softwareVersion: SPFEngineInfo.version, deflateLevel: deflate)
        let total = config.models.reduce(0) { $0 + config.experiments(for: $1).count } * config.members
        let log = GeneratedRunLog()
        context.log("generating \(config.modelYears) model-years: \(config.models.count) models, \(config.experiments.joined(separator: ", ")), \(config.members) members, grid scale \(config.gridScale)")
        let started = Date()
        try simulator.run(threads: max(1, context.threads)) { run in
            let files = try writer.write(run)
            let done = log.add(run: run, files: files.map { $0.path.replacingOccurrences(of: out.filesDirectory.path + "/", with: "") })
            context.progress(Double(done) / Double(max(1, total)), "\(run.model.sourceID) \(run.experiment) \(run.variantLabel)")
        }
        let entries = log.sorted
        for e in entries {
            try out.write(FileTreeObject.Dataset.ebmTemperature(sourceID: e.sourceID, experiment: e.experiment, variant: e.variant), shape: [e.temperature.count], values: e.temperature)
        }
        let json = try JSONSerialization.data(withJSONObject: entries.map(\.json), options: [.sortedKeys])
        try out.setAttribute(FileTreeObject.Attribute.runs, String(decoding: json, as: UTF8.self))
        try out.setAttribute(FileTreeObject.Attribute.modelYears, String(config.modelYears))
        try out.setAttribute(FileTreeObject.Attribute.rcmipSource, forcing.emissions.source.components(separatedBy: "/").suffix(3).joined(separator: "/"))
        context.log("wrote \(entries.count) runs in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }
}

/// Thread-safe record of the runs written (sorted for deterministic attributes).
final class GeneratedRunLog: @unchecked Sendable {
    /// One run.
    struct Entry {
        var sourceID: String, experiment: String, variant: String, calendar: String, grid: String
        var firstYear: Int, lastYear: Int, files: [String], temperature: [Double]
        var json: [String: Any] {
            ["source_id": sourceID, "experiment_id": experiment, "variant_label": variant, "calendar": calendar,
             "grid": grid, "first_year": firstYear, "last_year": lastYear, "files": files]
        }
    }
    private let lock = NSLock()
    private var entries: [Entry] = []

    /// Records a run; returns how many are recorded.
    func add(run: ClimateSuiteRun, files: [String]) -> Int {
        let e = Entry(sourceID: run.model.sourceID, experiment: run.experiment, variant: run.variantLabel, calendar: run.model.calendar,
                      grid: "\(run.grid.nlat)x\(run.grid.nlon) \(run.grid.kind.rawValue)", firstYear: run.firstYear,
                      lastYear: run.lastYear, files: files, temperature: run.globalTemperature)
        lock.lock()
        defer { lock.unlock() }
        entries.append(e)
        return entries.count
    }

    /// The runs ordered by model, experiment, member.
    var sorted: [Entry] {
        lock.lock()
        defer { lock.unlock() }
        return entries.sorted { ($0.sourceID, $0.experiment, $0.variant) < ($1.sourceID, $1.experiment, $1.variant) }
    }
}

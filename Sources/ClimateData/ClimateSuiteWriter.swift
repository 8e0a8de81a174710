import Foundation
import CNetCDF

/// Writes simulated runs as CMIP6-conformant netCDF in the data reference syntax, so the CMIP6
/// discovery and CF reader curate them like ESGF downloads:
///
///     CMIP6/<activity>/<institution>/<source_id>/<experiment>/<member>/Amon/<var>/<grid>/<version>/
///         <var>_Amon_<source_id>_<experiment>_<member>_<grid>_<YYYYMM>-<YYYYMM>.nc
///
/// Each file holds `tas` or `pr` (float32, time × lat × lon) with CF attributes, the model's own
/// calendar and time units with month bounds (stamps mid-month, as CMOR writes them), lat/lon
/// bounds, optional shuffle + deflate, the CMIP6 global attributes, and the
/// model's file chunking (e.g. CESM2 historical in 50-year files). Attributes say plainly that
/// the data are synthetic. No timestamps are written, so the same run gives identical files.
public struct ClimateSuiteWriter: Sendable {
    /// Root directory under which `CMIP6/…` is created.
    public var root: URL
    /// spfflow version recorded in the files.
    public var softwareVersion: String
    /// Deflate level (0 = uncompressed; 1 = CMOR's default).
    public var deflateLevel: Int

    /// The default deflate level: 0. Simulated noise compresses poorly (level 1 saves about 20 %
    /// of the bytes) while zlib makes writing about 5× slower than generating; uncompressed
    /// netCDF-4 is as valid a CMIP6 file (the esmvaltool sample files are uncompressed too).
    public static let defaultDeflateLevel = 0

    /// Creates a writer.
    public init(root: URL, softwareVersion: String, deflateLevel: Int = ClimateSuiteWriter.defaultDeflateLevel) {
        self.root = root
        self.softwareVersion = softwareVersion
        self.deflateLevel = deflateLevel
    }

    /// The CMIP6 variables written.
    public static let variables: [CFVariableSpec] = [
        CFVariableSpec(name: "tas", standardName: "air_temperature", longName: "Near-Surface Air Temperature", units: "K",
                       cellMethods: "area: time: mean",
                       extraAttributes: [("comment", .text("near-surface (usually, 2 meter) air temperature"))]),
        CFVariableSpec(name: "pr", standardName: "precipitation_flux", longName: "Precipitation", units: "kg m-2 s-1",
                       cellMethods: "area: time: mean",
                       extraAttributes: [("comment", .text("includes both liquid and solid phases"))]),
    ]

    /// The directory of one dataset (one variable of one run).
    public func datasetDirectory(_ run: ClimateSuiteRun, variable: String) -> URL {
        let m = run.model
        return root.appendingPathComponent("CMIP6").appendingPathComponent(run.activity)
            .appendingPathComponent(m.institution).appendingPathComponent(m.sourceID)
            .appendingPathComponent(run.experiment).appendingPathComponent(run.variantLabel)
            .appendingPathComponent("Amon").appendingPathComponent(variable)
            .appendingPathComponent(m.gridLabel).appendingPathComponent(m.version)
    }

    /// The file name of one file of a dataset.
    public static func fileName(_ run: ClimateSuiteRun, variable: String, first: Int, last: Int) -> String {
        let m = run.model
        return "\(variable)_Amon_\(m.sourceID)_\(run.experiment)_\(run.variantLabel)_\(m.gridLabel)_"
            + String(format: "%04d01-%04d12", first, last) + ".nc"
    }

    /// Writes both variables of `run`; returns the paths written, in order.
    @discardableResult
    public func write(_ run: ClimateSuiteRun) throws(ClimateDataError) -> [URL] {
        let m = run.model
        let calendar = try CFCalendar(cfName: m.calendar)
        let units = try CFTimeUnits(parsing: run.experiment == "historical" ? m.historicalTimeUnits : m.scenarioTimeUnits)
        let grid = try run.grid.latLonGrid()
        let chunking = run.experiment == "historical" ? m.historicalChunk : m.scenarioChunk
        let plane = run.grid.cellCount
        var written: [URL] = []
        for spec in ClimateSuiteWriter.variables {
            let dir = datasetDirectory(run, variable: spec.name)
            do {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            } catch {
                throw ClimateDataError(.invalidArgument, "cannot create \(dir.path): \(error.localizedDescription)")
            }
            let values = spec.name == "pr" ? run.pr : run.tas
            for file in chunking.files(from: run.firstYear, through: run.lastYear) {
                let time = try TimeAxis.monthly(calendar: calendar, units: units, startYear: file.first, endYear: file.last)
                let fileSpec = CFFileSpec(
                    variable: spec, grid: grid, time: time,
                    scalarCoordinates: spec.name == "tas"
                        ? [CFScalarCoordinate(name: "height", value: 2, units: "m", standardName: "height", positive: "up")] : [],
                    globalAttributes: globalAttributes(run, variable: spec.name),
                    provenance: nil, deflateLevel: deflateLevel, timeStepsPerChunk: 12)
                let startMonth = (file.first - run.firstYear) * 12
                let count = (file.last - file.first + 1) * 12
                let url = dir.appendingPathComponent(ClimateSuiteWriter.fileName(run, variable: spec.name, first: file.first, last: file.last))
                let writer = try CFWriter(path: url.path, spec: fileSpec)
                try writer.write(timeStart: 0, values: Array(values[(startMonth * plane)..<((startMonth + count) * plane)]))
                try writer.close()
                written.append(url)
            }
        }
        return written
    }

    /// CMIP6 global attributes of a file (CMIP6 CV names; parent info for scenario runs).
    func globalAttributes(_ run: ClimateSuiteRun, variable: String) -> [(name: String, value: CFAttribute)] {
        let m = run.model
        let date = m.version.dropFirst()
        let creation = "\(date.prefix(4))-\(date.dropFirst(4).prefix(2))-\(date.suffix(2))T00:00:00Z"
        var a: [(name: String, value: CFAttribute)] = [
            ("activity_id", .text(run.activity)),
            ("creation_date", .text(creation)),
            ("data_specs_version", .text("01.00.29")),
            ("experiment_id", .text(run.experiment)),
            ("forcing_index", .numbers([Double(m.forcingIndex)], type: NC_INT)),
            ("frequency", .text("mon")),
            ("grid", .text(m.gridDescription)),
            ("grid_label", .text(m.gridLabel)),
            ("initialization_index", .numbers([1], type: NC_INT)),
            ("institution_id", .text(m.institution)),
            ("mip_era", .text("CMIP6")),
            ("nominal_resolution", .text(nominalResolution(run.grid))),
            ("physics_index", .numbers([1], type: NC_INT)),
            ("product", .text("model-output")),
            ("realization_index", .numbers([Double(run.member)], type: NC_INT)),
            ("realm", .text("atmos")),
            ("source", .text("\(m.sourceID) stand-in: synthetic data from the spfflow ClimateSuite simulator "
                             + "(two-layer energy balance, ECS \(m.ecs) K, driven by RCMIP forcing); not output of the real model")),
            ("source_id", .text(m.sourceID)),
            ("source_type", .text("AOGCM")),
            ("sub_experiment_id", .text("none")),
            ("table_id", .text("Amon")),
            ("variable_id", .text(variable)),
            ("variant_label", .text(run.variantLabel)),
            ("license", .text("Synthetic data generated by spfflow; forcing from RCMIP (CC-BY-4.0, https://www.rcmip.org)")),
            ("spfflow_version", .text(softwareVersion)),
        ]
        if run.experiment != "historical" {
            let parent = run.experiment == SAIInjection.g6sulfur.experiment ? SAIInjection.g6sulfur.emissionsScenario : "historical"
            a.append(("parent_activity_id", .text(ClimateSuiteRun.activity(of: parent))))
            a.append(("parent_experiment_id", .text(parent)))
            a.append(("parent_source_id", .text(m.sourceID)))
            a.append(("parent_variant_label", .text(run.variantLabel)))
            a.append(("branch_method", .text("standard")))
        }
        return a
    }

    /// CMIP6 nominal resolution class of a grid (from the mean cell spacing).
    func nominalResolution(_ grid: SimulatorGrid) -> String {
        let km = (4 * Double.pi * 6371 * 6371 / Double(grid.cellCount)).squareRoot()
        for (limit, label) in [(75.0, "50 km"), (150, "100 km"), (350, "250 km"), (750, "500 km")] where km < limit {
            return label
        }
        return "1000 km"
    }
}

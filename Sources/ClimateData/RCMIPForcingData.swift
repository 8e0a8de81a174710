import Foundation

/// The RCMIP tables spfflow reads forcings from: emissions plus effective radiative forcing
/// (either the committed extract or the full RCMIP files a user has).
public struct RCMIPForcingData: Sendable {
    /// Emissions table (`Emissions|…` rows).
    public var emissions: RCMIPTable
    /// Effective radiative forcing table (`Effective Radiative Forcing…` rows).
    public var forcing: RCMIPTable
    /// Concentrations table (`Atmospheric Concentrations|…` rows), when there is one: the observed history the
    /// simple climate model starts from.
    public var concentrations: RCMIPTable?

    /// Creates the pair (or triple) from parsed tables.
    public init(emissions: RCMIPTable, forcing: RCMIPTable, concentrations: RCMIPTable? = nil) {
        self.emissions = emissions
        self.forcing = forcing
        self.concentrations = concentrations
    }

    /// File name of the committed emissions extract.
    public static let emissionsExtractName = "rcmip-emissions-extract.csv"
    /// File name of the committed ERF extract.
    public static let forcingExtractName = "rcmip-radiative-forcing-extract.csv"
    /// File name of the committed concentrations extract.
    public static let concentrationsExtractName = "rcmip-concentrations-extract.csv"
    /// Repository-relative directory of the committed extract.
    public static let extractDirectory = "Manifests/data/forcings"

    /// Reads the extract files from `directory` (the concentrations file when it is there).
    public init(directory: URL) throws(ForcingError) {
        let concentrations = directory.appendingPathComponent(Self.concentrationsExtractName)
        self.init(emissions: try RCMIPTable(contentsOf: directory.appendingPathComponent(Self.emissionsExtractName)),
                  forcing: try RCMIPTable(contentsOf: directory.appendingPathComponent(Self.forcingExtractName)),
                  concentrations: FileManager.default.fileExists(atPath: concentrations.path)
                    ? try RCMIPTable(contentsOf: concentrations) : nil)
    }

    /// Finds the committed extract: `explicit` if given, else `Manifests/data/forcings` under the
    /// current directory, `near` (e.g. the manifest's directory) or the running executable's
    /// directory (e.g. `.build/release/spfflow`), or any parent of these.
    public static func locateExtract(explicit: String? = nil, near: URL? = nil) throws(ForcingError) -> URL {
        if let path = explicit, !path.isEmpty {
            let url = URL(fileURLWithPath: path)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent(emissionsExtractName).path) else {
                throw ForcingError(.unreadableFile, "\(path): no \(emissionsExtractName) in this directory")
            }
            return url
        }
        var starts = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        if let n = near { starts.insert(n, at: 0) }
        if let exe = Bundle.main.executableURL { starts.append(exe.deletingLastPathComponent()) }
        for start in starts {
            var dir = start.standardizedFileURL
            for _ in 0..<12 {
                let candidate = dir.appendingPathComponent(extractDirectory)
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(emissionsExtractName).path) {
                    return candidate
                }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        throw ForcingError(.unreadableFile,
                           "cannot find \(extractDirectory)/\(emissionsExtractName) above \(starts.map(\.path).joined(separator: " or ")); pass its directory explicitly")
    }

    /// The annual series of `experiment` for `set` over `first...last`: historical years from the
    /// historical row, later years from the scenario row, emissions interpolated linearly across
    /// RCMIP's 10-year gaps, cumulative variables summed from their start year.
    public func annual(_ set: ForcingSet, experiment: String, from first: Int, through last: Int) throws(ForcingError) -> AnnualForcing {
        try annual(set, scenario: ForcingScenario.forExperiment(experiment), from: first, through: last)
    }

    /// The annual series of `set` for an explicit scenario mapping (e.g. a scenario file's, `ScenarioFileForcing`).
    public func annual(_ set: ForcingSet, scenario: ForcingScenario, from first: Int, through last: Int) throws(ForcingError) -> AnnualForcing {
        let experiment = scenario.experiment
        guard first <= last else { throw ForcingError(.badSpecification, "\(experiment): empty year range \(first)...\(last)") }
        let years = last - first + 1
        let n = set.count
        var values = Array(repeating: 0.0, count: years * n)
        var increments = Array(repeating: 0.0, count: years * n)
        for (v, variable) in set.variables.enumerated() {
            switch variable.source {
            case .series(let name, let scale):
                let s = try joined(name, scenario: scenario, from: first, through: last)
                for k in 0..<years { values[k * n + v] = s[k] * scale }
            case .cumulative(let name, let since, let scale):
                let start = min(since, first)
                let s = try joined(name, scenario: scenario, from: start, through: last)
                var total = 0.0
                for (k, e) in s.enumerated() {
                    let year = start + k
                    let inc = year >= since ? e * scale : 0
                    if year >= first {
                        values[(year - first) * n + v] = total + 0.5 * inc
                        increments[(year - first) * n + v] = inc
                    }
                    total += inc
                }
            case .smoothed(let name, let since, let timescale, let scale):
                guard timescale > 0, since <= last else {
                    throw ForcingError(.badSpecification, "forcing \(variable.name): smoothing over \(timescale) years from \(since)")
                }
                let start = min(since, first)
                let s = try joined(name, scenario: scenario, from: start, through: last)
                let a = exp(-1 / timescale)
                var memory = 0.0
                for (k, x) in s.enumerated() {
                    let year = start + k
                    if year >= since { memory = a * memory + (1 - a) * x * scale }
                    if year >= first { values[(year - first) * n + v] = memory }
                }
            case .saiAOD:
                if let sai = scenario.sai {
                    let a = try sai.aod(from: first, through: last, forcing: forcing)
                    for k in 0..<years { values[k * n + v] = a[k] }
                }
            }
        }
        return AnnualForcing(experiment: experiment, names: set.names, units: set.variables.map(\.units),
                             cumulative: set.variables.map(\.isCumulative), firstYear: first,
                             values: values, increments: increments)
    }

    /// One RCMIP variable for `first...last`, joining the historical row (≤ last historical
    /// year) and the scenario row (after it). Looks in the emissions table, then the ERF table.
    public func joined(_ variable: String, scenario: ForcingScenario, from first: Int, through last: Int) throws(ForcingError) -> [Double] {
        let table = emissions.series.contains(where: { $0.variable == variable }) ? emissions : forcing
        var out: [Double] = []
        out.reserveCapacity(last - first + 1)
        let histEnd = min(last, scenario.lastHistoricalYear)
        if first <= histEnd {
            out += try table.series(scenario: scenario.historicalScenario, variable: variable).annual(from: first, through: histEnd)
        }
        let futureStart = max(first, scenario.lastHistoricalYear + 1)
        if futureStart <= last {
            let name = try scenario.rcmipScenario(for: futureStart)
            out += try table.series(scenario: name, variable: variable).annual(from: futureStart, through: last)
        }
        return out
    }
}

import ClimateData
import Evaluation
import Foundation
import SPFEngine

/// The data a report draws, read from the report node's inputs: the held-out truth members, the
/// historical runs of the training shards, and the emulated ensembles, with the display units.
struct ReportData {
    /// Monthly truth of one ESM and variable: `[member, month, lat, lon]` from January of `startYear`.
    struct Truth {
        var members: [String]
        var startYear: Int
        var years: Int
        var field: EnsembleField
        var units: String
        var endYear: Int { startYear + years - 1 }
    }

    /// Yearly global means of one ESM's and variable's historical runs, by member.
    struct History {
        var startYear: Int
        var byMember: [String: [Double]]
    }

    /// One emulated ensemble (an `spf.merge` or `spf.sample-baseline` output), data read on demand.
    struct Product {
        var object: StoredObject
        var esm: String
        var model: String
        var timescale: Timescale
        var startYear: Int
        var years: Int
        var variables: [String]
        var endYear: Int { startYear + years - 1 }
        var axis: FrameAxis {
            switch timescale {
            case .monthly: FrameAxis(timescale: .monthly, startYear: startYear, count: years * 12)
            case .yearly: FrameAxis(timescale: .yearly, startYear: startYear, count: years)
            case .decadal: FrameAxis.decadal(startYear: startYear, endYear: endYear)
            }
        }

        /// The ensemble of `variable`, `[member, time, lat, lon]`.
        func field(_ variable: String, grid: AreaWeightedGrid) throws -> EnsembleField {
            try EnsembleProduct.ensemble(object, variable: variable, grid: grid, node: "report")
        }
    }

    var grid: AreaWeightedGrid
    /// ESM → variable → truth.
    var truth: [String: [String: Truth]]
    var products: [Product]

    /// Display scale and units of a variable (precipitation flux shown in mm/day).
    static func display(_ variable: String, units: String) -> (scale: Double, units: String) {
        variable == "pr" && units.replacingOccurrences(of: " ", with: "") == "kgm-2s-1" ? (86400, "mm/day") : (1, units)
    }

    /// Reads the truth members (every `climate.regrid` output of the held-out scenario), in whole years from January.
    static func loadTruth(_ objects: [StoredObject], node: String) throws -> (AreaWeightedGrid, [String: [String: Truth]]) {
        var groups: [String: [String: [(member: String, year: Int, years: Int, values: [Float], units: String)]]] = [:]
        var grid: AreaWeightedGrid?
        for object in objects {
            let o = try ClimateFieldObject.read(object)
            guard o.field.time != nil else { continue }
            // Yearly data are held over their months (MonthlyFrames), so the monthly readers below see whole years.
            let frames = try MonthlyFrames.of(o.field, what: "truth \(o.sourceID ?? "") \(o.member ?? "")", node: node)
            let first = (13 - frames.startMonth) % 12
            let years = (frames.months - first) / 12
            guard years > 0 else { continue }
            let g = o.field.grid, cells = g.nlat * g.nlon
            if grid == nil { grid = try AreaWeightedGrid(latitudes: g.lat, longitudes: g.lon) }
            guard grid?.cellCount == cells else {
                throw EngineError(.nodeFailed, "truth inputs are on different grids (\(g.description))", node: node)
            }
            let values = Array(frames.values[(first * cells)..<((first + years * 12) * cells)])
            groups[o.sourceID ?? "?", default: [:]][o.field.variable.name, default: []]
                .append((o.member ?? "", frames.startYear + (first > 0 ? 1 : 0), years, values, o.field.variable.units))
        }
        guard let grid else { throw EngineError(.nodeFailed, "no truth inputs with whole years of monthly data", node: node) }
        var out: [String: [String: Truth]] = [:]
        for (esm, byVariable) in groups {
            for (variable, runs) in byVariable {
                // Members share the period they all cover.
                let start = runs.map(\.year).max() ?? 0, end = runs.map { $0.year + $0.years - 1 }.min() ?? 0
                guard end >= start else { continue }
                let sorted = runs.sorted { $0.member < $1.member }
                let cells = grid.cellCount, n = (end - start + 1) * 12 * cells
                var values: [Float] = []
                values.reserveCapacity(sorted.count * n)
                for r in sorted {
                    let lo = (start - r.year) * 12 * cells
                    values += r.values[lo..<(lo + n)]
                }
                out[esm, default: [:]][variable] = Truth(
                    members: sorted.map(\.member), startYear: start, years: end - start + 1,
                    field: try EnsembleField(members: sorted.count, times: (end - start + 1) * 12, grid: grid, values: values),
                    units: sorted[0].units)
            }
        }
        return (grid, out)
    }

    /// Reads the ensemble products' metadata (their data is read when drawn).
    static func loadProducts(_ objects: [StoredObject], node: String) throws -> [Product] {
        try objects.map { object in
            let stored = EnsembleProduct.Stored(object)
            guard let esm = stored.sourceID, let ts = stored.timescaleName,
                  let timescale = Timescale(rawValue: ts), let start = stored.startYear, let years = stored.years else {
                throw EngineError(.nodeFailed, "input \(object.key) is not an ensemble product", node: node)
            }
            let raw = stored.model
            return Product(object: object, esm: esm, model: EvaluateSkill.modelIDs[raw] ?? raw, timescale: timescale,
                           startYear: start, years: years,
                           variables: try stored.variables(node: node))
        }
    }

    /// Yearly global means of the historical runs of a shard, per variable, with the shard's curation summary.
    static func loadHistory(_ object: StoredObject, heldOut: [String: [String: Truth]], scenario: String,
                            node: String) throws -> (esm: String, history: [String: History], curation: CurationSummary) {
        let entries = try ShardSetObject.runEntries(object, node: node)
        let shard = try ShardSetObject.read(object, node: node, experiments: ["historical"])
        let grid = try AreaWeightedGrid(latitudes: shard.lat, longitudes: shard.lon)
        let cells = grid.cellCount, c = shard.variables.count
        var history: [String: History] = [:]
        for (k, variable) in shard.variables.enumerated() {
            var h = History(startYear: shard.runs.map(\.entry.startYear).min() ?? 1850, byMember: [:])
            for run in shard.runs {
                let years = run.entry.months / 12
                var series = [Double](repeating: .nan, count: run.entry.startYear - h.startYear)
                for y in 0..<years {
                    var sum = 0.0
                    for m in 0..<12 {
                        let base = ((y * 12 + m) * c + k) * cells
                        sum += grid.globalMean(run.fields[base..<(base + cells)])
                    }
                    series.append(sum / 12)
                }
                h.byMember[run.entry.member] = series
            }
            history[variable] = h
        }
        let experiments = Array(Set(entries.map(\.experiment))).sorted()
        let years = entries.reduce(0) { $0 + $1.months } / 12
        let truth = heldOut[shard.sourceID]?.values.first
        var notes = "calendar \(shard.calendar); grid \(shard.height)×\(shard.width); forcings \(shard.forcingNames.joined(separator: ", "))"
        if let truth { notes += "; held out: \(scenario) \(truth.startYear)–\(truth.endYear)" }
        let summary = CurationSummary(esm: shard.sourceID, experiments: experiments, runs: entries.count, simulationYears: years,
                                      variables: shard.variables, heldOutMembers: truth?.members.count ?? 0, notes: notes)
        return (shard.sourceID, history, summary)
    }
}

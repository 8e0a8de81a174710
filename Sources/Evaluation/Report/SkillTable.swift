import Foundation

/// All skill numbers of a run: (ESM × model × variable × timescale × period × metric) → value,
/// with ESM averages, CRPS as a multiple of the floor, Markdown/HTML rendering and headline figures.
public struct SkillTable: Sendable {
    /// The records, in insertion order.
    public private(set) var records: [SkillRecord] = []
    /// Unit per variable, e.g. `["tas": "K", "pr": "mm/day"]`.
    public var units: [String: String]
    /// Display names per model id, e.g. `["spf": "SPF", "stochastic_ps": "Stochastic PS"]`.
    public var modelLabels: [String: String]
    /// The model id of the floor.
    public var floorModel: String = ModelID.floor

    private var index: [String: Int] = [:]

    /// Creates a table from records.
    public init(records: [SkillRecord] = [], units: [String: String] = [:], modelLabels: [String: String] = ModelID.labels) {
        self.units = units
        self.modelLabels = modelLabels
        append(contentsOf: records)
    }

    private static func key(_ esm: String, _ model: String, _ variable: String, _ timescale: Timescale,
                            _ period: String, _ metric: SkillMetric) -> String {
        "\(esm)\u{1}\(model)\u{1}\(variable)\u{1}\(timescale.rawValue)\u{1}\(period)\u{1}\(metric.rawValue)"
    }

    /// Adds records; a record with the same key replaces the earlier one.
    public mutating func append(contentsOf new: [SkillRecord]) {
        for r in new {
            let k = Self.key(r.esm, r.model, r.variable, r.timescale, r.period, r.metric)
            if let i = index[k] { records[i] = r } else { index[k] = records.count; records.append(r) }
        }
    }

    /// The value for one key, if present.
    public func value(esm: String = SkillRecord.allESMs, model: String, variable: String, timescale: Timescale,
                      period: String, metric: SkillMetric) -> Double? {
        index[Self.key(esm, model, variable, timescale, period, metric)].map { records[$0].value }
    }

    private func ordered(_ f: (SkillRecord) -> String) -> [String] {
        var seen = Set<String>(), out: [String] = []
        for r in records where !seen.contains(f(r)) { seen.insert(f(r)); out.append(f(r)) }
        return out
    }

    /// ESMs in order of first appearance (including ``SkillRecord/allESMs`` if averaged).
    public var esms: [String] { ordered(\.esm) }
    /// Models in order of first appearance.
    public var models: [String] { ordered(\.model) }
    /// Variables in order of first appearance.
    public var variables: [String] { ordered(\.variable) }
    /// Periods in order of first appearance.
    public var periods: [String] { ordered(\.period) }
    /// Timescales present, finest first.
    public var timescales: [Timescale] { Set(records.map(\.timescale)).sorted() }

    /// Adds ESM-average records (ESM ``SkillRecord/allESMs``): the mean over the ESMs that have the key.
    public func addingESMAverage() -> SkillTable {
        var sums: [String: (SkillRecord, Double, Int)] = [:]
        var order: [String] = []
        for r in records where r.esm != SkillRecord.allESMs {
            let k = Self.key(SkillRecord.allESMs, r.model, r.variable, r.timescale, r.period, r.metric)
            if let (first, s, n) = sums[k] { sums[k] = (first, s + r.value, n + 1) } else { sums[k] = (r, r.value, 1); order.append(k) }
        }
        var copy = self
        copy.append(contentsOf: order.compactMap { k in
            sums[k].map { (r, s, n) in
                SkillRecord(esm: SkillRecord.allESMs, model: r.model, variable: r.variable, timescale: r.timescale,
                            period: r.period, metric: r.metric, value: s / Double(n))
            }
        })
        return copy
    }

    /// Adds `crps_x_floor` records: each model's CRPS divided by the floor's CRPS for the same
    /// ESM, variable, timescale and period (where the floor is present and positive).
    public func addingFloorMultiples() -> SkillTable {
        var copy = self
        copy.append(contentsOf: records.compactMap { r in
            guard r.metric == .crps,
                  let floor = value(esm: r.esm, model: floorModel, variable: r.variable, timescale: r.timescale,
                                    period: r.period, metric: .crps), floor > 0 else { return nil }
            return SkillRecord(esm: r.esm, model: r.model, variable: r.variable, timescale: r.timescale, period: r.period,
                               metric: .crpsOverFloor, value: r.value / floor)
        })
        return copy
    }

    /// The display name of a model.
    public func label(_ model: String) -> String { modelLabels[model] ?? model }

    /// Headline figures for `esm` over `period`: per model, variable and timescale the CRPS, RMSE and
    /// CRPS ×floor (`<model>_<timescale>_<metric>_<variable>`), the yearly spread–skill ratio
    /// (`<model>_spread_skill_<variable>`) and the yearly ClimateBench total (`<model>_yearly_nrmse_total_<variable>`).
    public func headlineFigures(esm: String = SkillRecord.allESMs, period: String) -> [HeadlineFigure] {
        var out: [HeadlineFigure] = []
        for model in models {
            for variable in variables {
                let unit = units[variable] ?? "1"
                for timescale in timescales {
                    for metric in [SkillMetric.crps, .rmse, .crpsOverFloor] {
                        guard let v = value(esm: esm, model: model, variable: variable, timescale: timescale,
                                            period: period, metric: metric) else { continue }
                        if metric == .crpsOverFloor && model == floorModel { continue }
                        out.append(HeadlineFigure(name: "\(model)_\(timescale.rawValue)_\(metric.rawValue)_\(variable)",
                                                  value: v, unit: metric == .crpsOverFloor ? "x" : unit))
                    }
                }
                if let v = value(esm: esm, model: model, variable: variable, timescale: .yearly, period: period,
                                 metric: .spreadSkill) {
                    out.append(HeadlineFigure(name: "\(model)_spread_skill_\(variable)", value: v, unit: "ratio"))
                }
                if let v = value(esm: esm, model: model, variable: variable, timescale: .yearly, period: period,
                                 metric: .nrmseTotal) {
                    out.append(HeadlineFigure(name: "\(model)_yearly_nrmse_total_\(variable)", value: v, unit: "ratio"))
                }
            }
        }
        return out
    }

    /// The metric columns shown in the main tables.
    public static let mainMetrics: [SkillMetric] = [.crps, .crpsOverFloor, .rmse, .bias, .spreadSkill, .nrmseTotal]

    /// One block per (period, timescale, variable): rows are models, columns the metrics, so a block
    /// stays narrow enough for the page however many variables there are.
    public struct Block: Sendable {
        /// Period label.
        public var period: String
        /// Timescale.
        public var timescale: Timescale
        /// Variable.
        public var variable: String
        /// Column headings.
        public var columns: [(variable: String, metric: SkillMetric)]
        /// Rows: model id and the cell texts, with a flag for the best value in the column.
        public var rows: [(model: String, cells: [(text: String, best: Bool)])]
    }

    /// The blocks for `esm`, in period, timescale then variable order.
    public func blocks(esm: String = SkillRecord.allESMs, metrics: [SkillMetric] = SkillTable.mainMetrics) -> [Block] {
        var out: [Block] = []
        for period in periods {
            for timescale in timescales {
                for variable in variables {
                    let columns = metrics.filter { m in models.contains { value(esm: esm, model: $0, variable: variable, timescale: timescale,
                                                                              period: period, metric: m) != nil } }
                        .map { (variable: variable, metric: $0) }
                    guard !columns.isEmpty else { continue }
                    let rowModels = models.filter { model in
                        columns.contains { value(esm: esm, model: model, variable: $0.variable, timescale: timescale,
                                                 period: period, metric: $0.metric) != nil }
                    }
                    // Best per column among the emulators and baselines (the floor is a reference, not a competitor).
                    var best: [Double?] = []
                    for col in columns {
                        let candidates = rowModels.filter { $0 != floorModel }.compactMap {
                            value(esm: esm, model: $0, variable: col.variable, timescale: timescale, period: period, metric: col.metric)
                        }
                        best.append(candidates.min { Self.badness($0, col.metric) < Self.badness($1, col.metric) })
                    }
                    let rows = rowModels.map { model in
                        (model: model, cells: columns.enumerated().map { (i, col) -> (text: String, best: Bool) in
                            guard let v = value(esm: esm, model: model, variable: col.variable, timescale: timescale,
                                                period: period, metric: col.metric) else { return ("–", false) }
                            return (Self.format(v), model != floorModel && best[i] == v && rowModels.count > 2)
                        })
                    }
                    out.append(Block(period: period, timescale: timescale, variable: variable, columns: columns, rows: rows))
                }
            }
        }
        return out
    }

    /// Lower is better after this transform (|bias|, |SSR − 1|).
    static func badness(_ v: Double, _ metric: SkillMetric) -> Double {
        switch metric {
        case .bias: abs(v)
        case .spreadSkill: abs(v - 1)
        case .spread: -v
        default: v
        }
    }

    /// Three or four significant digits, plain notation for table cells.
    static func format(_ v: Double) -> String {
        guard v.isFinite else { return "n/a" }
        let a = abs(v)
        if a < 1e-12 { return "0" }
        if a >= 100 { return String(format: "%.1f", v) }
        if a >= 1 { return String(format: "%.3f", v) }
        if a >= 0.001 { return String(format: "%.4f", v) }
        return String(format: "%.2e", v)
    }

    /// A column's heading: the metric and, where it has one, the variable's unit (the block names the variable).
    func heading(_ col: (variable: String, metric: SkillMetric)) -> String {
        let unit = col.metric.hasUnit ? units[col.variable].map { " (\($0))" } ?? "" : ""
        return "\(col.metric.heading)\(unit)"
    }

    /// A block's title, e.g. `tas, yearly, 2015-2100`.
    func title(_ block: Block) -> String { "\(block.variable), \(block.timescale.rawValue), \(block.period)" }

    /// The tables for `esm` as Markdown (best value per column in bold).
    public func markdown(esm: String = SkillRecord.allESMs) -> String {
        var out = ""
        for block in blocks(esm: esm) {
            out += "#### \(title(block))\n\n"
            out += "| model | " + block.columns.map(heading).joined(separator: " | ") + " |\n"
            out += "|---|" + block.columns.map { _ in "---:|" }.joined() + "\n"
            for row in block.rows {
                out += "| \(label(row.model)) | "
                out += row.cells.map { $0.best ? "**\($0.text)**" : $0.text }.joined(separator: " | ") + " |\n"
            }
            out += "\n"
        }
        return out
    }

    /// The tables for `esm` as HTML `<table>` elements (best value per column in bold), each with its
    /// title as the caption, in a `<div class="tables">` that lays them side by side where the page allows.
    public func html(esm: String = SkillRecord.allESMs) -> String {
        var out = "<div class=\"tables\">\n"
        for block in blocks(esm: esm) {
            out += "<table class=\"skill\"><caption>\(HTML.escape(title(block)))</caption><thead><tr><th>model</th>"
            out += block.columns.map { "<th>\(HTML.escape(heading($0)))</th>" }.joined() + "</tr></thead><tbody>\n"
            for row in block.rows {
                let cls = row.model == floorModel ? " class=\"floor\"" : ""
                out += "<tr\(cls)><td>\(HTML.escape(label(row.model)))</td>"
                out += row.cells.map { $0.best ? "<td><b>\(HTML.escape($0.text))</b></td>" : "<td>\(HTML.escape($0.text))</td>" }
                    .joined() + "</tr>\n"
            }
            out += "</tbody></table>\n"
        }
        return out + "</div>\n"
    }

    /// Per-ESM table of one metric: rows ESMs (and the mean), columns models.
    public func perESM(metric: SkillMetric, variable: String, timescale: Timescale,
                       period: String) -> (columns: [String], rows: [(esm: String, cells: [String])]) {
        let columns = models.filter { m in esms.contains { value(esm: $0, model: m, variable: variable, timescale: timescale,
                                                                 period: period, metric: metric) != nil } }
        let rows = esms.sorted { ($0 == SkillRecord.allESMs ? 1 : 0, $0) < ($1 == SkillRecord.allESMs ? 1 : 0, $1) }
            .compactMap { esm -> (esm: String, cells: [String])? in
                let cells = columns.map { m in
                    value(esm: esm, model: m, variable: variable, timescale: timescale, period: period, metric: metric)
                        .map(Self.format) ?? "–"
                }
                return cells.allSatisfy { $0 == "–" } ? nil : (esm, cells)
            }
        return (columns, rows)
    }
}

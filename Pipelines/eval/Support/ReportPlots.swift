import Evaluation
import Foundation
import SPFEngine

/// The report's per-ESM figure sections: late-century maps and global-mean series.
enum ReportPlots {
    /// Maps of `model`'s ensemble mean, spread and error against the first truth member over the
    /// `wanted` decade, or the product's last (up to ten-year) stretch the truth covers; nil when no
    /// product of the ESM overlaps the truth.
    static func maps(data: ReportData, esm: String, variable: String, truth: ReportData.Truth,
                     wanted: EvaluationPeriod, model: String) throws -> ReportSection? {
        let candidates = data.products.filter { $0.esm == esm && $0.variables.contains(variable) }
        let preferred = candidates.contains { $0.model == model } ? candidates.filter { $0.model == model } : candidates
        // Per product: the frames mapped and the years they cover.
        func choice(_ p: ReportData.Product) -> (frames: Range<Int>, years: ClosedRange<Int>)? {
            let axis = p.axis
            let lo = max(p.startYear, truth.startYear), hi = min(p.endYear, truth.endYear)
            guard lo <= hi else { return nil }
            if p.timescale == .decadal {
                let inside = (0..<axis.count).filter { axis.years(of: $0).lowerBound >= lo && axis.years(of: $0).upperBound <= hi }
                guard let last = inside.last else { return nil }
                let t = inside.first { axis.years(of: $0).contains(wanted.firstYear) } ?? last
                return (t..<(t + 1), axis.years(of: t))
            }
            var years = wanted.firstYear...wanted.lastYear
            if years.lowerBound < lo || years.upperBound > hi { years = max(lo, hi - 9)...hi }
            let perYear = p.timescale == .monthly ? 12 : 1
            return (((years.lowerBound - p.startYear) * perYear)..<((years.upperBound + 1 - p.startYear) * perYear), years)
        }
        let ranked = preferred.compactMap { p in choice(p).map { (p, $0) } }.sorted { a, b in
            (a.1.years.count, b.0.timescale) > (b.1.years.count, a.0.timescale)
        }
        guard let (product, pick) = ranked.first else { return nil }
        let display = ReportData.display(variable, units: truth.units)
        var ensemble = try product.field(variable, grid: data.grid).selecting(times: pick.frames)
        let first = (pick.years.lowerBound - truth.startYear) * 12, months = pick.years.count * 12
        var target = try truth.field.selecting(times: first..<(first + months))
        (target, _) = try TimeAggregation.aggregate(target, axis: FrameAxis(timescale: .monthly, startYear: pick.years.lowerBound,
                                                                                      count: months), to: product.timescale)
        if display.scale != 1 {
            ensemble.values = ensemble.values.map { Float(Double($0) * display.scale) }
            target.values = target.values.map { Float(Double($0) * display.scale) }
        }
        let label = pick.years.count == 1 ? "\(pick.years.lowerBound)" : "\(pick.years.lowerBound)-\(pick.years.upperBound)"
        var section = try ReportFigures.periodMaps(variable: variable, units: display.units, esm: esm, model: ModelID.labels[product.model] ?? product.model,
                                                   ensemble: ensemble, truth: target, grid: data.grid, periodLabel: label,
                                                   meanColormap: .viridis)
        section.title = "Maps: \(variable), \(esm), \(label)"
        return section
    }

    /// Global-mean series: the truth members (historical runs joined to the held-out scenario) and,
    /// per model, the 5–95 % band and median of its longest product.
    static func series(data: ReportData, esm: String, variable: String, truth: ReportData.Truth,
                       history: ReportData.History?, scenario: String) throws -> ReportSection {
        let display = ReportData.display(variable, units: truth.units)
        let truthYearly = try truth.field.globalMeans(on: data.grid).map { monthly in
            (0..<truth.years).map { y in monthly[(y * 12)..<(y * 12 + 12)].reduce(0, +) / 12 * display.scale }
        }
        let firstYear = min(history?.startYear ?? truth.startYear, truth.startYear)
        let lastYear = truth.endYear
        let years = (firstYear...lastYear).map { Double($0) + 0.5 }
        var truthMembers: [[Double]] = []
        for (k, member) in truth.members.enumerated() {
            var line = [Double](repeating: .nan, count: years.count)
            if let h = history, let past = h.byMember[member] {
                for (i, v) in past.enumerated() where h.startYear + i < truth.startYear { line[h.startYear + i - firstYear] = v * display.scale }
            }
            for (i, v) in truthYearly[k].enumerated() { line[truth.startYear + i - firstYear] = v }
            truthMembers.append(line)
        }
        // Historical members without a held-out continuation are drawn too (they are the same simulator).
        if let h = history {
            for (member, past) in h.byMember.sorted(by: { $0.key < $1.key }) where !truth.members.contains(member) {
                var line = [Double](repeating: .nan, count: years.count)
                for (i, v) in past.enumerated() where h.startYear + i - firstYear < years.count { line[h.startYear + i - firstYear] = v * display.scale }
                truthMembers.append(line)
            }
        }
        var ensembles: [GlobalMeanSeries] = []
        let byModel = Dictionary(grouping: data.products.filter { $0.esm == esm && $0.variables.contains(variable) }, by: \.model)
        for (i, model) in byModel.keys.sorted(by: { ($0 == ModelID.spf ? 0 : 1, $0) < ($1 == ModelID.spf ? 0 : 1, $1) }).enumerated() {
            guard let product = byModel[model]?.max(by: { ($0.years, $1.timescale) < ($1.years, $0.timescale) }) else { continue }
            let field = try product.field(variable, grid: data.grid)
            var means = try field.globalMeans(on: data.grid)
            var axis = product.axis
            if product.timescale == .monthly && product.years >= 3 {
                means = means.map { m in (0..<product.years).map { y in m[(y * 12)..<(y * 12 + 12)].reduce(0, +) / 12 } }
                axis = FrameAxis(timescale: .yearly, startYear: product.startYear, count: product.years)
            }
            ensembles.append(GlobalMeanSeries(label: ModelID.labels[model] ?? model, years: (0..<axis.count).map(axis.centre(of:)),
                                              members: means.map { $0.map { $0 * display.scale } },
                                              color: ReportFigures.palette[(i + 1) % ReportFigures.palette.count]))
        }
        let figure = ReportFigures.globalMeanPlot(
            variable: variable, units: display.units, esm: esm, scenario: scenario,
            truth: GlobalMeanSeries(label: "simulator", years: years, members: truthMembers, color: RGBColor(hex: 0x555555)),
            ensembles: ensembles, scenarioStart: Double(truth.startYear))
        let spans = ensembles.map { e in "\(e.label) \(Int(e.years.first ?? 0))–\(Int(e.years.last ?? 0))" }.joined(separator: ", ")
        return ReportSection(title: "Global mean: \(variable), \(esm)",
                             text: "Yearly global means (cos-latitude weighted) of the simulator's members, historical "
                                 + "\(firstYear)–\(truth.startYear - 1) then \(scenario) (held out), against each emulator's "
                                 + "5–95 % band and median (\(spans.isEmpty ? "no products" : spans)).",
                             figures: [figure])
    }
}

import Foundation

/// Writes a report directory: `index.html`, `index.md` (the same content), the SVG figures and
/// `figures.txt` (the headline `figure` lines). Both pages lead with the answer: a summary of each
/// variable's skill against the floor, the CRPS-versus-floor chart, then one skill table per variable;
/// the raw `figure` lines come later, collapsed.
public enum ReportWriter {
    /// Writes `content` into `directory` (created if missing) and returns the files written.
    public static func write(_ content: ReportContent, to directory: URL) throws(EvaluationError) -> [URL] {
        var skill = content.skill
        if !skill.esms.contains(SkillRecord.allESMs) { skill = skill.addingESMAverage() }
        if !skill.records.contains(where: { $0.metric == .crpsOverFloor }) { skill = skill.addingFloorMultiples() }
        var written: [URL] = []
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for section in content.sections {
                for figure in section.figures {
                    let url = directory.appendingPathComponent(figure.fileName)
                    try Data(figure.image.document.utf8).write(to: url, options: .atomic)
                    written.append(url)
                }
            }
            let chart = floorChart(skill, period: content.headlinePeriod)
            if let chart {
                try Data(chart.document.utf8).write(to: directory.appendingPathComponent("crps_x_floor.svg"), options: .atomic)
                written.append(directory.appendingPathComponent("crps_x_floor.svg"))
            }
            if !content.dag.isEmpty {
                let url = directory.appendingPathComponent("dag.svg")
                try Data(DAGDiagram.render(content.dag).document.utf8).write(to: url, options: .atomic)
                written.append(url)
            }
            let figures = skill.headlineFigures(period: content.headlinePeriod)
            if !figures.isEmpty {
                let url = directory.appendingPathComponent("figures.txt")
                try Data((figures.map(\.line).joined(separator: "\n") + "\n").utf8).write(to: url, options: .atomic)
                written.append(url)
            }
            let md = directory.appendingPathComponent("index.md")
            try Data(markdown(content, skill: skill, hasChart: chart != nil).utf8).write(to: md, options: .atomic)
            let html = directory.appendingPathComponent("index.html")
            try Data(self.html(content, skill: skill, hasChart: chart != nil).utf8).write(to: html, options: .atomic)
            written += [md, html]
        } catch let error as EvaluationError {
            throw error
        } catch {
            throw EvaluationError(.io, "writing the report into \(directory.path) failed: \(error)")
        }
        return written
    }

    /// Bar chart of every model's CRPS as a multiple of the floor (mean over ESMs), per variable and timescale.
    static func floorChart(_ skill: SkillTable, period: String) -> SVGCanvas? {
        var groups: [(String, String, Timescale)] = []
        for v in skill.variables {
            for t in skill.timescales where skill.models.contains(where: {
                skill.value(model: $0, variable: v, timescale: t, period: period, metric: .crpsOverFloor) != nil
            }) { groups.append(("\(v) \(t.rawValue)", v, t)) }
        }
        let models = skill.models.filter { $0 != skill.floorModel }
        guard !groups.isEmpty, !models.isEmpty else { return nil }
        var chart = BarChart(
            title: "CRPS as a multiple of the floor, \(period) (lower is better)", yLabel: "CRPS / floor",
            groups: groups.map(\.0),
            series: models.enumerated().map { (i, m) in
                (label: skill.label(m), color: ReportFigures.palette[i % ReportFigures.palette.count],
                 values: groups.map { g in
                     skill.value(model: m, variable: g.1, timescale: g.2, period: period, metric: .crpsOverFloor) ?? .nan
                 })
            })
        chart.reference = (1, "floor")
        return chart.render()
    }

    /// The answer in a few lines, one per variable: each model's yearly (else finest) CRPS as a multiple
    /// of the floor, mean over ESMs, best first.
    static func answer(_ skill: SkillTable, period: String) -> [String] {
        skill.variables.compactMap { variable in
            let timescale = skill.timescales.contains(.yearly) ? Timescale.yearly : skill.timescales.first
            guard let timescale else { return nil }
            let ranked = skill.models.filter { $0 != skill.floorModel }.compactMap { m in
                skill.value(model: m, variable: variable, timescale: timescale, period: period, metric: .crpsOverFloor).map { (m, $0) }
            }.sorted { $0.1 < $1.1 }
            guard let best = ranked.first else { return nil }
            let list = ranked.map { "\(skill.label($0.0)) \(String(format: "%.2f", $0.1))×" }.joined(separator: ", ")
            return "\(variable), \(timescale.rawValue) CRPS as a multiple of the floor (1 = as good as the simulator's own "
                + "members), mean over ESMs, \(period): \(list). Best: \(skill.label(best.0))."
        }
    }

    static func seconds(_ s: Double) -> String {
        s >= 120 ? String(format: "%.1f min", s / 60) : String(format: "%.2f s", s)
    }

    struct KindSummary { var kind: String; var nodes = 0, ran = 0, cached = 0, failed = 0; var seconds = 0.0 }

    static func kindSummaries(_ dag: [DAGNodeStatus]) -> [KindSummary] {
        var order: [String] = [], map: [String: KindSummary] = [:]
        for node in dag {
            if map[node.kind] == nil { order.append(node.kind); map[node.kind] = KindSummary(kind: node.kind) }
            map[node.kind]?.nodes += 1
            map[node.kind]?.seconds += node.seconds
            switch node.status {
            case .ran: map[node.kind]?.ran += 1
            case .cached: map[node.kind]?.cached += 1
            case .failed: map[node.kind]?.failed += 1
            case .skipped: break
            }
        }
        return order.compactMap { map[$0] }
    }

    // MARK: Markdown

    static func markdown(_ c: ReportContent, skill: SkillTable, hasChart: Bool) -> String {
        var o = "# \(c.title)\n\n"
        for line in answer(skill, period: c.headlinePeriod) { o += "- \(line)\n" }
        o += "\n\(c.summary)\n\n"
        if hasChart { o += "![CRPS as a multiple of the floor](crps_x_floor.svg)\n\n" }
        // A report without skill records (eval.scenario-report: scenarios no simulator ran) has no Skill section.
        if !skill.records.isEmpty {
            o += "## Skill (mean over ESMs)\n\n"
            o += "CRPS is the fair ensemble CRPS; RMSE and bias are of the ensemble mean; all cos(latitude)-weighted and "
            o += "averaged over the held-out simulator members. CRPS ×floor divides by the CRPS of the simulator's own "
            o += "members scored leave-one-out. Spread/skill includes the factor sqrt((M+1)/M). NRMSE total is "
            o += "ClimateBench's NRMSE_spatial + 5·NRMSE_global. Best value per column in bold. The floor row scores "
            o += "K − 1 simulator members against the K-th, so its RMSE is that of a small ensemble's mean.\n\n"
            o += skill.markdown()
            for variable in skill.variables {
                for timescale in skill.timescales { for metric in [SkillMetric.crps, .rmse] {
                    let table = skill.perESM(metric: metric, variable: variable, timescale: timescale, period: c.headlinePeriod)
                    guard table.rows.count > 1 else { continue }
                    o += "#### \(metric.heading) per ESM, \(variable), \(timescale.rawValue), \(c.headlinePeriod)\n\n"
                    o += "| ESM | " + table.columns.map(skill.label).joined(separator: " | ") + " |\n"
                    o += "|---|" + table.columns.map { _ in "---:|" }.joined() + "\n"
                    for row in table.rows { o += "| \(row.esm) | " + row.cells.joined(separator: " | ") + " |\n" }
                    o += "\n"
                } }
            }
            let figures = skill.headlineFigures(period: c.headlinePeriod)
            if !figures.isEmpty {
                o += "<details><summary>All \(figures.count) headline figures (\(c.headlinePeriod), mean over ESMs; also in "
                o += "figures.txt)</summary>\n\n```\n" + figures.map(\.line).joined(separator: "\n") + "\n```\n\n</details>\n\n"
            }
        }
        for section in c.sections {
            o += "## \(section.title)\n\n"
            if !section.text.isEmpty { o += section.text + "\n\n" }
            for f in section.figures { o += "![\(f.caption)](\(f.fileName))\n" }
            o += "\n"
        }
        if !c.curation.isEmpty {
            o += "## Curation\n\n| ESM | experiments | runs | simulation years | variables | held-out members | notes |\n"
            o += "|---|---|---:|---:|---|---:|---|\n"
            for s in c.curation {
                o += "| \(s.esm) | \(s.experiments.joined(separator: ", ")) | \(s.runs) | \(s.simulationYears) | "
                o += "\(s.variables.joined(separator: ", ")) | \(s.heldOutMembers) | \(HTML.markdownCell(s.notes)) |\n"
            }
            o += "\n"
        }
        if !c.dag.isEmpty {
            let ran = c.dag.filter { $0.status == .ran }.count, cached = c.dag.filter { $0.status == .cached }.count
            o += "## DAG\n\n\(c.dag.count) nodes: \(ran) ran, \(cached) cached"
            let failed = c.dag.filter { $0.status == .failed }.count
            o += failed > 0 ? ", \(failed) failed.\n\n" : ".\n\n"
            o += "![DAG by node kind](dag.svg)\n\n"
            o += "| kind | nodes | ran | cached | failed | wall time |\n|---|---:|---:|---:|---:|---:|\n"
            for k in kindSummaries(c.dag) {
                o += "| \(k.kind) | \(k.nodes) | \(k.ran) | \(k.cached) | \(k.failed) | \(seconds(k.seconds)) |\n"
            }
            o += "\n| node | kind | status | time | inputs |\n|---|---|---|---:|---|\n"
            for n in c.dag {
                o += "| \(n.name) | \(n.kind) | \(n.status.rawValue) | \(seconds(n.seconds)) | "
                o += "\(HTML.markdownCell(n.inputs.joined(separator: ", "))) |\n"
            }
            o += "\n"
        }
        if !c.timings.isEmpty {
            o += "## Timings\n\n| what | time |\n|---|---:|\n"
            for t in c.timings { o += "| \(t.label) | \(seconds(t.seconds)) |\n" }
            o += "\n"
        }
        if !c.notes.isEmpty {
            o += "## Notes\n\n" + c.notes.map { "- \($0)" }.joined(separator: "\n") + "\n"
        }
        return o
    }

    // MARK: HTML

    static let style = """
    body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;max-width:1400px;\
    padding:0 1.5em;color:#222;line-height:1.45}
    h1{font-size:1.7em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
    h4{margin:1.4em 0 .4em}
    ul.answer{font-size:1.05em;padding-left:1.2em}ul.answer li{margin:.3em 0}
    .tables{display:flex;flex-wrap:wrap;gap:0 2em;align-items:flex-start}
    table{border-collapse:collapse;margin:.4em 0 1em;font-size:.92em;max-width:100%}
    caption{text-align:left;font-weight:600;padding:.3em 0}
    th,td{padding:.28em .7em;border-bottom:1px solid #e4e4e4;text-align:right;white-space:nowrap}
    th{white-space:normal}
    img{max-width:100%;height:auto}
    details{margin:1em 0}summary{cursor:pointer;color:#2166ac}
    th{background:#f5f5f5;font-weight:600}th:first-child,td:first-child{text-align:left}
    tr.floor td{color:#666;font-style:italic}
    td.text{text-align:left;white-space:normal}
    pre{background:#f7f7f7;padding:.8em 1em;border-radius:4px;font-size:.9em;overflow-x:auto}
    .figs{display:flex;flex-wrap:wrap;gap:1em}.figs figure{margin:0}.figs img{max-width:100%;border:1px solid #eee}
    figcaption{font-size:.85em;color:#555;text-align:center}
    .badge{padding:.05em .5em;border-radius:3px;font-size:.85em;color:#fff}
    .ran{background:#2166ac}.cached{background:#1b7837}.failed{background:#b2182b}.skipped{background:#999}
    .note{color:#555}
    """

    static func html(_ c: ReportContent, skill: SkillTable, hasChart: Bool) -> String {
        let e = HTML.escape
        var o = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        o += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        o += "<title>\(e(c.title))</title><style>\(style)</style></head><body>\n"
        o += "<h1>\(e(c.title))</h1>\n"
        let summary = answer(skill, period: c.headlinePeriod)
        if !summary.isEmpty { o += "<ul class=\"answer\">" + summary.map { "<li>\(e($0))</li>" }.joined() + "</ul>\n" }
        o += "<p>\(e(c.summary))</p>\n"
        if hasChart {
            o += "<figure><img src=\"crps_x_floor.svg\" alt=\"CRPS as a multiple of the floor\"></figure>\n"
        }
        if !skill.records.isEmpty {
            o += "<h2>Skill (mean over ESMs)</h2>\n<p class=\"note\">CRPS is the fair ensemble CRPS; RMSE and bias are of "
            o += "the ensemble mean; all cos(latitude)-weighted and averaged over the held-out simulator members. "
            o += "CRPS ×floor divides by the CRPS of the simulator's own members scored leave-one-out. Spread/skill "
            o += "includes the factor sqrt((M+1)/M). NRMSE total is ClimateBench's NRMSE<sub>spatial</sub> + "
            o += "5·NRMSE<sub>global</sub>. Best value per column in bold; the floor row is the reference: K − 1 "
            o += "simulator members scored against the K-th, so its RMSE is that of a small ensemble's mean.</p>\n"
            o += skill.html()
            let figures = skill.headlineFigures(period: c.headlinePeriod)
            o += "<div class=\"tables\">\n"
            for variable in skill.variables {
                for timescale in skill.timescales { for metric in [SkillMetric.crps, .rmse] {
                    let table = skill.perESM(metric: metric, variable: variable, timescale: timescale, period: c.headlinePeriod)
                    guard table.rows.count > 1 else { continue }
                    o += "<table><caption>\(metric.heading) per ESM, \(e(variable)), \(timescale.rawValue), \(e(c.headlinePeriod))</caption>"
                    o += "<thead><tr><th>ESM</th>" + table.columns.map { "<th>\(e(skill.label($0)))</th>" }.joined()
                    o += "</tr></thead><tbody>\n"
                    for row in table.rows {
                        o += "<tr><td>\(e(row.esm))</td>" + row.cells.map { "<td>\(e($0))</td>" }.joined() + "</tr>\n"
                    }
                    o += "</tbody></table>\n"
                } }
            }
            o += "</div>\n"
            if !figures.isEmpty {
                o += "<details><summary>All \(figures.count) headline figures (\(e(c.headlinePeriod)), mean over ESMs; also in "
                o += "<a href=\"figures.txt\">figures.txt</a>)</summary>\n<pre>" + figures.map { e($0.line) }.joined(separator: "\n")
                o += "</pre></details>\n"
            }
        }
        for section in c.sections {
            o += "<h2>\(e(section.title))</h2>\n"
            if !section.text.isEmpty { o += "<p class=\"note\">\(e(section.text))</p>\n" }
            o += "<div class=\"figs\">"
            for f in section.figures {
                o += "<figure><img src=\"\(e(f.fileName))\" alt=\"\(e(f.caption))\" width=\"\(SVGCanvas.n(f.image.width))\">"
                o += "<figcaption>\(e(f.caption))</figcaption></figure>"
            }
            o += "</div>\n"
        }
        if !c.curation.isEmpty {
            o += "<h2>Curation</h2>\n<table><thead><tr><th>ESM</th><th>experiments</th><th>runs</th>"
            o += "<th>simulation years</th><th>variables</th><th>held-out members</th><th>notes</th></tr></thead><tbody>\n"
            for s in c.curation {
                o += "<tr><td>\(e(s.esm))</td><td class=\"text\">\(e(s.experiments.joined(separator: ", ")))</td>"
                o += "<td>\(s.runs)</td><td>\(s.simulationYears)</td><td class=\"text\">\(e(s.variables.joined(separator: ", ")))</td>"
                o += "<td>\(s.heldOutMembers)</td><td class=\"text\">\(e(s.notes))</td></tr>\n"
            }
            o += "</tbody></table>\n"
        }
        if !c.dag.isEmpty {
            let ran = c.dag.filter { $0.status == .ran }.count, cached = c.dag.filter { $0.status == .cached }.count
            let failed = c.dag.filter { $0.status == .failed }.count
            o += "<h2>DAG</h2>\n<p>\(c.dag.count) nodes: <span class=\"badge ran\">\(ran) ran</span> "
            o += "<span class=\"badge cached\">\(cached) cached</span>"
            o += failed > 0 ? " <span class=\"badge failed\">\(failed) failed</span></p>\n" : "</p>\n"
            o += "<figure><img src=\"dag.svg\" alt=\"DAG by node kind\"></figure>\n"
            o += "<table><thead><tr><th>kind</th><th>nodes</th><th>ran</th><th>cached</th><th>failed</th>"
            o += "<th>wall time</th></tr></thead><tbody>\n"
            for k in kindSummaries(c.dag) {
                o += "<tr><td>\(e(k.kind))</td><td>\(k.nodes)</td><td>\(k.ran)</td><td>\(k.cached)</td><td>\(k.failed)</td>"
                o += "<td>\(seconds(k.seconds))</td></tr>\n"
            }
            o += "</tbody></table>\n<details><summary>All \(c.dag.count) nodes</summary>\n<table><thead><tr><th>node</th>"
            o += "<th>kind</th><th>status</th><th>time</th><th>inputs</th></tr></thead><tbody>\n"
            for n in c.dag {
                o += "<tr><td>\(e(n.name))</td><td>\(e(n.kind))</td>"
                o += "<td><span class=\"badge \(n.status.rawValue)\">\(n.status.rawValue)</span></td>"
                o += "<td>\(seconds(n.seconds))</td><td class=\"text\">\(e(n.inputs.joined(separator: ", ")))</td></tr>\n"
            }
            o += "</tbody></table></details>\n"
        }
        if !c.timings.isEmpty {
            o += "<h2>Timings</h2>\n<table><thead><tr><th>what</th><th>time</th></tr></thead><tbody>\n"
            for t in c.timings { o += "<tr><td>\(e(t.label))</td><td>\(seconds(t.seconds))</td></tr>\n" }
            o += "</tbody></table>\n"
        }
        if !c.notes.isEmpty {
            o += "<h2>Notes</h2>\n<ul>" + c.notes.map { "<li>\(e($0))</li>" }.joined() + "</ul>\n"
        }
        o += "</body></html>\n"
        return o
    }
}

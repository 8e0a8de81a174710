import Evaluation
import Foundation
import Testing

/// End to end through the library: baselines fitted on training runs of two sample ESMs, scored
/// against held-out members with the floor, a skill table, headline figures and a written report.
@Suite struct ReportTests {
    @Test func writesACompleteReport() throws {
        let grid = try SampleClimate.grid()
        let cells = grid.cellCount
        let plan = try EvaluationPlan.standard(threads: 2)
        var skill = SkillTable(units: ["tas": "K"], modelLabels: ["stochastic_ps": "Stochastic PS", "pattern_scaling": "Pattern scaling",
                                                                  "climatology": "Climatology", "floor": "Floor (simulator)"])
        var sections: [ReportSection] = []
        var curation: [CurationSummary] = []
        for (e, esm) in ["ESM-A", "ESM-B"].enumerated() {
            let seed = UInt64(100 * (e + 1))
            // Training: historical 1850–2014 plus three scenarios 2015–2100, two members each.
            var runs: [BaselineTrainingRun] = []
            for (s, scale) in [(0, 1.0), (1, 0.5), (2, 1.5), (3, 2.0)] {
                let first = s == 0 ? 1850 : 2015, years = s == 0 ? 165 : 86
                for member in 0..<2 {
                    let field = SampleClimate.tas(members: 1, firstYear: first, years: years, grid: grid,
                                                  seed: seed + UInt64(10 * s + member), warmingScale: scale)
                    let forcings = (0..<years).map { [SampleClimate.forcing(Double(first + $0), scale)] }
                    runs.append(try BaselineTrainingRun(field: field, forcings: forcings,
                                                axis: FrameAxis(timescale: .yearly, startYear: first, count: years), cells: cells))
                }
            }
            curation.append(CurationSummary(esm: esm, experiments: ["historical", "ssp126", "ssp370", "ssp585"], runs: runs.count,
                                            simulationYears: runs.reduce(0) { $0 + $1.axis.count }, variables: ["tas"],
                                            heldOutMembers: 3, notes: "synthetic sample"))
            let axis = FrameAxis(timescale: .yearly, startYear: 2015, count: 86)
            let forcings = (0..<86).map { [SampleClimate.forcing(Double(2015 + $0), 1.0)] }
            let truth = try EnsembleField(members: 3, times: 86, grid: grid,
                                          values: SampleClimate.tas(members: 3, firstYear: 2015, years: 86, grid: grid, seed: seed + 99))
            let sps = try StochasticPatternScaling.fit(runs: runs)
            let ps = sps.regression
            let clim = try Climatology.fit(runs: runs.filter { $0.axis.startYear == 1850 })
            let ensembles: [(String, EnsembleField)] = [
                ("stochastic_ps", try sps.sample(forcings: forcings, axis: axis, members: 10, seed: 7)),
                ("pattern_scaling", try ps.predictEnsemble(forcings: forcings, axis: axis)),
                ("climatology", try clim.predictEnsemble(axis: axis)),
            ]
            for (model, ensemble) in ensembles {
                skill.append(contentsOf: try SkillEvaluator.evaluate(model: model, esm: esm, variable: "tas", ensemble: ensemble,
                                                                     truth: truth, axis: axis, grid: grid, plan: plan,
                                                                     reference: clim.means[0]))
            }
            skill.append(contentsOf: try SkillEvaluator.evaluateFloor(esm: esm, variable: "tas", truth: truth, axis: axis,
                                                                      grid: grid, plan: plan))
            if e == 0 {
                let decade = 76..<86
                sections.append(try ReportFigures.periodMaps(variable: "tas", units: "K", esm: esm, model: "Stochastic PS",
                                                             ensemble: try ensembles[0].1.selecting(times: decade),
                                                             truth: try truth.selecting(times: decade), grid: grid,
                                                             periodLabel: "2091-2100"))
                let years = (0..<86).map { 2015.5 + Double($0) }
                let histField = try EnsembleField(members: 1, times: 165, grid: grid, values: runs[0].field)
                let histYears = (0..<165).map { 1850.5 + Double($0) }
                let truthSeries = try truth.globalMeans(on: grid)
                let histSeries = try histField.globalMeans(on: grid)[0]
                let figure = ReportFigures.globalMeanPlot(
                    variable: "tas", units: "K", esm: esm, scenario: "ssp245",
                    truth: GlobalMeanSeries(label: "simulator", years: histYears + years,
                                            members: truthSeries.map { histSeries + $0 }, color: .text),
                    ensembles: [GlobalMeanSeries(label: "Stochastic PS", years: years,
                                                 members: try ensembles[0].1.globalMeans(on: grid), color: ReportFigures.palette[0])])
                sections.append(ReportSection(title: "Global-mean time series", figures: [figure]))
            }
        }
        let table = skill.addingESMAverage().addingFloorMultiples()
        // The probabilistic baseline sits near the floor; the deterministic ones do not.
        let floor = try #require(table.value(model: "floor", variable: "tas", timescale: .yearly, period: "2015-2100", metric: .crps))
        let sps = try #require(table.value(model: "stochastic_ps", variable: "tas", timescale: .yearly, period: "2015-2100", metric: .crps))
        let ps = try #require(table.value(model: "pattern_scaling", variable: "tas", timescale: .yearly, period: "2015-2100", metric: .crps))
        let clim = try #require(table.value(model: "climatology", variable: "tas", timescale: .yearly, period: "2015-2100", metric: .crps))
        #expect(sps < ps && ps < clim, "CRPS sps \(sps), ps \(ps), clim \(clim)")
        #expect(sps / floor < 1.25, "stochastic PS at \(sps / floor) × floor")
        #expect(table.value(model: "stochastic_ps", variable: "tas", timescale: .yearly, period: "2015-2100",
                            metric: .crpsOverFloor).map { abs($0 - sps / floor) < 1e-12 } == true)

        let headline = table.headlineFigures(period: "2015-2100")
        let lines = headline.map(\.line)
        #expect(lines.contains { $0.hasPrefix("figure stochastic_ps_yearly_crps_tas = ") && $0.hasSuffix(" K") })
        #expect(lines.contains { $0.hasPrefix("figure floor_yearly_crps_tas = ") })
        #expect(lines.contains { $0.hasPrefix("figure stochastic_ps_spread_skill_tas = ") && $0.hasSuffix(" ratio") })
        #expect(lines.contains { $0.hasPrefix("figure pattern_scaling_decadal_crps_x_floor_tas = ") })

        let dag = [DAGNodeStatus(name: "curate.ESM-A", kind: "climate.curate", status: .cached, seconds: 0),
                   DAGNodeStatus(name: "train.sps.ESM-A", kind: "baseline.stochastic_ps", status: .ran, seconds: 3.2,
                                 inputs: ["curate.ESM-A"]),
                   DAGNodeStatus(name: "train.ps.ESM-A", kind: "baseline.pattern_scaling", status: .cached, seconds: 0,
                                 inputs: ["curate.ESM-A"]),
                   DAGNodeStatus(name: "sample.decadal.b0", kind: "spf.sample_decadal", status: .cached, seconds: 0,
                                 inputs: ["curate.ESM-A"]),
                   DAGNodeStatus(name: "sample.yearly.b0.d0", kind: "spf.sample_yearly", status: .ran, seconds: 4,
                                 inputs: ["sample.decadal.b0"]),
                   DAGNodeStatus(name: "sample.yearly.b0.d1", kind: "spf.sample_yearly", status: .ran, seconds: 4.5,
                                 inputs: ["sample.decadal.b0"]),
                   DAGNodeStatus(name: "evaluate", kind: "evaluate", status: .ran, seconds: 12.5,
                                 inputs: ["train.sps.ESM-A", "train.ps.ESM-A", "sample.yearly.b0.d0", "sample.yearly.b0.d1"])]
        let content = ReportContent(title: "spfflow report: sample", summary: "Two synthetic ESMs, ssp245 held out.",
                                    skill: table, headlinePeriod: "2015-2100", sections: sections, curation: curation,
                                    dag: dag, timings: [TimingEntry(label: "total", seconds: 200)],
                                    notes: ["synthetic data; no emulator trained"])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try ReportWriter.write(content, to: dir)
        #expect(files.count == 9)  // 3 maps, 1 series, the CRPS chart, the DAG, figures.txt, index.md, index.html
        let html = try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8)
        let md = try String(contentsOf: dir.appendingPathComponent("index.md"), encoding: .utf8)
        for text in [html, md] {
            #expect(text.contains("Stochastic PS"))
            #expect(text.contains("figure stochastic_ps_yearly_crps_tas = "))
            #expect(text.contains("ESM-B"))
            #expect(text.contains("map_tas_ESM-A_StochasticPS_error.svg"))
            #expect(text.contains("train.sps.ESM-A"))
        }
        #expect(html.contains("<table class=\"skill\">") && html.contains("badge cached"))
        // The answer leads: the summary against the floor, then the chart, then the skill tables; the figure lines
        // come after, collapsed, and in figures.txt.
        let answer = try #require(html.range(of: "<ul class=\"answer\"><li>tas, yearly CRPS as a multiple of the floor"))
        let chart = try #require(html.range(of: "<img src=\"crps_x_floor.svg\""))
        let skillTable = try #require(html.range(of: "<table class=\"skill\"><caption>tas, yearly, 2015-2100</caption>"))
        let details = try #require(html.range(of: "<details><summary>All "))
        let firstFigure = try #require(html.range(of: "figure stochastic_ps_yearly_crps_tas = "))
        #expect(answer.lowerBound < chart.lowerBound && chart.lowerBound < skillTable.lowerBound)
        #expect(skillTable.lowerBound < details.lowerBound && details.lowerBound < firstFigure.lowerBound)
        #expect(html.contains("Best: Stochastic PS."))
        let figuresText = try String(contentsOf: dir.appendingPathComponent("figures.txt"), encoding: .utf8)
        #expect(figuresText.split(separator: "\n").map(String.init) == lines)
        // Every element is closed in order (checked by Python's HTML parser).
        let py = try PythonReference()
        defer { py.cleanup() }
        let check = """
        import sys
        from html.parser import HTMLParser
        void = {'meta', 'img', 'br', 'hr', 'link', 'input'}
        class P(HTMLParser):
            def __init__(self):
                super().__init__(); self.stack = []; self.bad = 0
            def handle_starttag(self, tag, attrs):
                if tag not in void: self.stack.append(tag)
            def handle_endtag(self, tag):
                if self.stack and self.stack[-1] == tag: self.stack.pop()
                else: self.bad += 1
        p = P(); p.feed(open(sys.argv[1], encoding='utf-8').read())
        print(len(p.stack), p.bad)
        """
        #expect(try py.run(check, [dir.appendingPathComponent("index.html").path]) == [0, 0])
        // Every figure is a well-formed SVG document (Python's XML parser) that the page shows.
        let svgs = files.filter { $0.pathExtension == "svg" }
        #expect(svgs.count == 6)
        let parse = """
        import sys
        import xml.etree.ElementTree as ET
        print(sum(ET.parse(p).getroot().tag == '{http://www.w3.org/2000/svg}svg' for p in sys.argv[1:]))
        """
        #expect(try py.run(parse, svgs.map(\.path)) == [Double(svgs.count)])
        for url in svgs { #expect(html.contains("src=\"\(url.lastPathComponent)\""), "index.html does not show \(url.lastPathComponent)") }
        if let samples = ProcessInfo.processInfo.environment["SPFFLOW_EVAL_SAMPLES"] {
            _ = try ReportWriter.write(content, to: URL(fileURLWithPath: samples).appendingPathComponent("report"))
            print(lines.joined(separator: "\n"))
        }
    }

    /// A report of scenarios no simulator ran (eval.scenario-report) has no skill records: no Skill section, no empty
    /// heading, and the sections it has.
    @Test func aReportWithoutSkillRecordsHasNoSkillSection() throws {
        let content = ReportContent(title: "spfflow scenarios", summary: "Two scenarios sampled; no simulator ran them.",
                                    skill: SkillTable(units: ["tas": "K"]), headlinePeriod: "2015-2100",
                                    notes: ["no skill: no simulator output for these scenarios"])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try ReportWriter.write(content, to: dir)
        let html = try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8)
        let md = try String(contentsOf: dir.appendingPathComponent("index.md"), encoding: .utf8)
        #expect(!html.contains("Skill (mean over ESMs)") && !md.contains("Skill (mean over ESMs)"))
        #expect(!html.contains("<div class=\"tables\">"))
        #expect(html.contains("no skill: no simulator output") && md.contains("## Notes"))
    }
}

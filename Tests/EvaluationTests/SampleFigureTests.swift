import Evaluation
import Foundation
import Testing

/// Renders the figure kinds of the report from sample data; writes them to `SPFFLOW_EVAL_SAMPLES`
/// (if set) so they can be looked at.
@Suite struct SampleFigureTests {
    @Test func mapsAndSeriesHaveSensibleLayout() throws {
        let grid = try SampleClimate.grid()
        let years = 10
        let ens = try EnsembleField(members: 8, times: years, grid: grid,
                                    values: SampleClimate.tas(members: 8, firstYear: 2091, years: years, grid: grid, seed: 1))
        let truth = try EnsembleField(members: 1, times: years, grid: grid,
                                      values: SampleClimate.tas(members: 1, firstYear: 2091, years: years, grid: grid, seed: 2))
        let mean = ens.ensembleMean(), spread = ens.ensembleSpread(), truthMean = truth.ensembleMean()
        let decadeMean = (0..<grid.cellCount).map { c in (0..<years).reduce(Float(0)) { $0 + mean[$1 * grid.cellCount + c] } / Float(years) }
        let decadeSpread = (0..<grid.cellCount).map { c in (0..<years).reduce(Float(0)) { $0 + spread[$1 * grid.cellCount + c] } / Float(years) }
        let decadeError = (0..<grid.cellCount).map { c in
            (0..<years).reduce(Float(0)) { $0 + mean[$1 * grid.cellCount + c] - truthMean[$1 * grid.cellCount + c] } / Float(years)
        }
        let renderer = MapRenderer()
        let images = [
            ("map_mean", try renderer.render(field: decadeMean, grid: grid, title: "tas ensemble mean 2091-2100", units: "K",
                                             style: .sequential(.viridis))),
            ("map_spread", try renderer.render(field: decadeSpread, grid: grid, title: "tas ensemble spread 2091-2100",
                                               units: "K", style: .sequential(.viridis))),
            ("map_error", try renderer.render(field: decadeError, grid: grid, title: "tas error vs member 1, 2091-2100",
                                              units: "K", style: .diverging(.blueWhiteRed))),
            ("map_pr", try renderer.render(field: grid.latitudes.flatMap { lat in grid.longitudes.map { lon in
                Float(max(0, 2.5 + 6 * exp(-pow(lat / 8, 2)) + 2 * cos(2 * lon * .pi / 180) * cos(lat * .pi / 180)
                          - 1.5 * exp(-pow((abs(lat) - 25) / 8, 2))))
            } }, grid: grid, title: "pr ensemble mean 2091-2100", units: "mm/day", style: .sequential(.wetness))),
        ]
        var plot = TimeSeriesPlot(title: "Global-mean tas, SampleESM, ssp245", yLabel: "tas (K)")
        let hist = (1850...2014).map(Double.init), scen = (2015...2100).map(Double.init)
        let all = hist + scen
        for k in 0..<3 {
            let t = try EnsembleField(members: 1, times: all.count, grid: grid,
                                      values: SampleClimate.tas(members: 1, firstYear: 1850, years: all.count, grid: grid, seed: 10 + UInt64(k)))
            plot.lines.append(SeriesLine(x: all.map { $0 + 0.5 }, y: try t.globalMeans(on: grid)[0], color: .text, width: 1,
                                         opacity: 0.55, label: "simulator members"))
        }
        let e = try EnsembleField(members: 20, times: scen.count, grid: grid,
                                  values: SampleClimate.tas(members: 20, firstYear: 2015, years: scen.count, grid: grid, seed: 50))
        let gm = try e.globalMeans(on: grid)
        let bands = EnsembleStatistics.quantileBand(gm, lower: 0.05, upper: 0.95)
        plot.bands = [SeriesBand(x: scen.map { $0 + 0.5 }, lower: bands.lower, upper: bands.upper, color: RGBColor(hex: 0x2166AC),
                                 opacity: 0.3, label: "SPF 5-95 %")]
        plot.lines.append(SeriesLine(x: scen.map { $0 + 0.5 }, y: bands.median, color: RGBColor(hex: 0x2166AC), width: 2,
                                     label: "SPF median"))
        plot.marker = (2015, "ssp245")
        let series = plot.render()
        #expect(series.width == 960 && series.height == 420)
        for (_, image) in images {
            #expect(image.width > 640 && image.height > 320)
            #expect(SVGElements(image.document).named("polyline", in: "coastline").count >= 250)
        }
        if let dir = ProcessInfo.processInfo.environment["SPFFLOW_EVAL_SAMPLES"] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for (name, image) in images + [("series", series)] {
                try Data(image.document.utf8).write(to: URL(fileURLWithPath: dir).appendingPathComponent(name + ".svg"))
            }
        }
    }
}

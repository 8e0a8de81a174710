import Evaluation
import Testing

/// Map and plot renderers: orientation, missing data, coastlines, degenerate ranges, legends outside the data.
@Suite struct RendererTests {
    @Test func latitudeOrderDoesNotChangeTheMap() throws {
        let north = try AreaWeightedGrid.global(nlat: 18, nlon: 36)
        let south = try AreaWeightedGrid(latitudes: north.latitudes.reversed(), longitudes: north.longitudes)
        let field = north.latitudes.flatMap { lat in north.longitudes.map { lon in Float(lat + 0.1 * lon) } }
        let flipped = (0..<18).reversed().flatMap { r in field[(r * 36)..<((r + 1) * 36)] }
        let a = try MapRenderer().render(field: field, grid: north, title: "t", units: "K", style: .sequential(.viridis))
        let b = try MapRenderer().render(field: flipped, grid: south, title: "t", units: "K", style: .sequential(.viridis))
        #expect(a == b)
    }

    @Test func northIsUpAndMissingCellsAreGrey() throws {
        let grid = try AreaWeightedGrid.global(nlat: 4, nlon: 8)
        var field = grid.latitudes.flatMap { lat in grid.longitudes.map { _ in Float(lat) } }
        field[0] = .nan  // south-west corner
        let map = try MapRenderer().render(field: field, grid: grid, title: "", units: "", style: .fixed(.viridis, lower: -90, upper: 90))
        let cells = SVGElements(map.document).named("rect", in: "cells")
        #expect(cells.count == 32)
        func cell(row: Int, col: Int) throws -> String {
            let ys = Set(cells.compactMap { $0.number("y") }).sorted(), xs = Set(cells.compactMap { $0.number("x") }).sorted()
            try #require(ys.count == 4 && xs.count == 8)
            let c = try #require(cells.first { $0.number("y") == ys[row] && $0.number("x") == xs[col] })
            return c.attributes["fill"] ?? ""
        }
        // Screen row 0 is the northernmost latitude (67.5°N), row 3 the southernmost.
        #expect(try cell(row: 0, col: 1) == Colormap.viridis.color(at: (67.5 + 90) / 180).css)
        #expect(try cell(row: 3, col: 1) == Colormap.viridis.color(at: (-67.5 + 90) / 180).css)
        #expect(try cell(row: 3, col: 0) == RGBColor.mid.css)
    }

    /// The coastline lies inside the map frame whichever longitude the grid starts at, and moves with it:
    /// Cape Agulhas (20.1°E, 34.8°S in Natural Earth's 1:110m data) is drawn at 20° from the left edge on a
    /// grid starting at 0° and at 200° on one starting at 180°W.
    @Test func coastlineIsDrawnInsideTheMapForEitherLongitudeConvention() throws {
        let east = try AreaWeightedGrid.global(nlat: 16, nlon: 32)  // longitudes from 5.625°E
        let west = try AreaWeightedGrid(latitudes: east.latitudes, longitudes: east.longitudes.map { $0 - 180 })
        let field = [Float](repeating: 1, count: east.cellCount)
        for (grid, capeDegrees) in [(east, 20.1), (west, 200.1)] {
            let svg = SVGElements(try MapRenderer().render(field: field, grid: grid, title: "t", units: "K", style: .sequential(.viridis)).document)
            let cells = svg.named("rect", in: "cells")
            let left = try #require(cells.compactMap { $0.number("x") }.min()), top = try #require(cells.compactMap { $0.number("y") }.min())
            let lines = svg.named("polyline", in: "coastline")
            #expect(lines.count >= 250, "\(lines.count) coastline polylines")
            let points = lines.flatMap(\.points)
            #expect(points.allSatisfy { $0.0 >= left - 0.01 && $0.0 <= left + 640.01 && $0.1 >= top - 0.01 && $0.1 <= top + 320.01 })
            // No polyline jumps across the map (a wrap that was not split).
            #expect(lines.allSatisfy { line in zip(line.points, line.points.dropFirst()).allSatisfy { abs($0.0 - $1.0) < 320 } })
            let cape = (left + 640 * capeDegrees / 360, top + 320 * (90 + 34.8) / 180)
            #expect(points.contains { abs($0.0 - cape.0) < 0.5 && abs($0.1 - cape.1) < 0.5 }, "no coast point at Cape Agulhas \(cape)")
        }
    }

    @Test func constantAndEmptyDataRender() throws {
        let grid = try AreaWeightedGrid.global(nlat: 3, nlon: 6)
        _ = try MapRenderer().render(field: [Float](repeating: 1, count: 18), grid: grid, title: "c", units: "K",
                                     style: .diverging(.blueWhiteRed))
        _ = try MapRenderer().render(field: [Float](repeating: .nan, count: 18), grid: grid, title: "n", units: "K",
                                     style: .sequential(.viridis))
        #expect(throws: EvaluationError.self) {
            _ = try MapRenderer().render(field: [1, 2], grid: grid, title: "", units: "", style: .sequential(.viridis))
        }
        let empty = TimeSeriesPlot(title: "empty", yLabel: "K").render()
        #expect(empty.width == 960)
        var flat = TimeSeriesPlot(title: "flat", yLabel: "K")
        flat.lines = [SeriesLine(x: [2000, 2001], y: [1, 1], color: .black, label: "x")]
        #expect(SVGElements(flat.render().document).named("polyline").count == 1)
    }

    /// The time series' legend is a column right of the data area: every entry is drawn there, none over the data.
    @Test func timeSeriesLegendIsOutsideTheData() throws {
        var plot = TimeSeriesPlot(title: "Global-mean tas", yLabel: "tas (K)")
        let years = (0..<100).map { 2000.5 + Double($0) }
        plot.bands = [SeriesBand(x: years, lower: years.map { $0 / 1000 }, upper: years.map { $0 / 1000 + 1 },
                                 color: ReportFigures.palette[0], label: "SPF 5–95 %")]
        plot.lines = [SeriesLine(x: years, y: years.map { $0 / 1000 + 0.5 }, color: ReportFigures.palette[0], label: "SPF median"),
                      SeriesLine(x: years, y: years.map { $0 / 1000 }, color: .mid, label: "simulator members"),
                      SeriesLine(x: years, y: years.map { $0 / 1000 + 0.2 }, color: .mid, label: "simulator members")]
        let area = plot.plotArea
        let svg = SVGElements(plot.render().document)
        let legendTexts = svg.named("text", in: "legend")
        #expect(legendTexts.map(\.text) == ["SPF 5–95 %", "SPF median", "simulator members"])
        for element in svg.elements where element.groups.contains("legend") {
            let x = element.number("x") ?? element.number("x1") ?? 0
            #expect(x >= area.x + area.width, "legend element \(element.name) at x \(x) is inside the data area")
        }
        for text in legendTexts {
            #expect((text.number("x") ?? 0) + SVGCanvas.textWidth(text.text, size: plot.fontSize) <= plot.width)
        }
    }

    /// The report's CRPS chart has six models: each gets its own colour, and the legend wraps above the data
    /// area instead of running off the figure, so every model's swatch is drawn and none overlaps a bar.
    @Test func everyBarChartSeriesHasItsOwnColourAndALegendEntry() throws {
        let labels = ["SPF", "Flat flow", "AR pyramidal flow", "Climatology", "Pattern scaling", "Stochastic pattern scaling"]
        #expect(Set(ReportFigures.palette.prefix(labels.count).map(\.css)).count == labels.count)
        var chart = BarChart(title: "CRPS / floor", yLabel: "x", groups: ["tas yearly", "pr yearly"],
                             series: labels.enumerated().map { (i, l) in (label: l, color: ReportFigures.palette[i], values: [1.0, 1.1]) })
        chart.width = 600
        let svg = SVGElements(chart.render().document)
        let swatches = svg.named("rect", in: "legend"), bars = svg.named("rect", in: "bars")
        #expect(Set(swatches.compactMap { $0.number("y") }).count > 1, "the legend wraps at 600 px")
        let barTop = try #require(bars.compactMap { $0.number("y") }.min())
        for (i, label) in labels.enumerated() {
            let swatch = swatches.first { $0.attributes["fill"] == ReportFigures.palette[i].css }
            #expect(swatch != nil, "no legend swatch for \(label)")
            #expect((swatch?.number("y") ?? .infinity) + (swatch?.number("height") ?? 0) < barTop)
            #expect(bars.contains { $0.attributes["fill"] == ReportFigures.palette[i].css })
        }
        #expect(svg.named("text", in: "legend").allSatisfy { ($0.number("x") ?? 0) + SVGCanvas.textWidth($0.text, size: 13) <= 600 })
    }
}

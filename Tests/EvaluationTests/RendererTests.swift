import Evaluation
import Testing

/// Map and plot renderers: orientation, missing data, degenerate ranges.
@Suite struct RendererTests {
    @Test func latitudeOrderDoesNotChangeTheMap() throws {
        let north = try LatLonGrid.global(nlat: 18, nlon: 36)
        let south = try LatLonGrid(latitudes: north.latitudes.reversed(), longitudes: north.longitudes)
        let field = north.latitudes.flatMap { lat in north.longitudes.map { lon in Float(lat + 0.1 * lon) } }
        let flipped = (0..<18).reversed().flatMap { r in field[(r * 36)..<((r + 1) * 36)] }
        let a = try MapRenderer().render(field: field, grid: north, title: "t", units: "K", style: .sequential(.viridis))
        let b = try MapRenderer().render(field: flipped, grid: south, title: "t", units: "K", style: .sequential(.viridis))
        #expect(a == b)
    }

    @Test func northIsUpAndMissingCellsAreGrey() throws {
        let grid = try LatLonGrid.global(nlat: 4, nlon: 8)
        var field = grid.latitudes.flatMap { lat in grid.longitudes.map { _ in Float(lat) } }
        field[0] = .nan  // south-west corner
        let renderer = MapRenderer()
        let image = try renderer.render(field: field, grid: grid, title: "", units: "", style: .fixed(.viridis, lower: -90, upper: 90))
        func pixel(_ x: Int, _ y: Int) -> RGBColor {
            let i = 3 * (y * image.width + x)
            return RGBColor(image.pixels[i], image.pixels[i + 1], image.pixels[i + 2])
        }
        // The map area: 8 × 4 square cells of `cell` pixels, right of the axis labels, below the title.
        let cell = renderer.mapWidth / 8
        let left = image.width - 60 * renderer.textScale - 8 * cell
        let top = 18 * renderer.textScale
        let northRow = pixel(left + cell / 2, top + cell / 4)
        let southRow = pixel(left + 3 * cell / 2, top + 4 * cell - cell / 2)
        #expect(northRow == Colormap.viridis.color(at: (67.5 + 90) / 180))
        #expect(southRow == Colormap.viridis.color(at: (-67.5 + 90) / 180))
        #expect(pixel(left + cell / 2, top + 4 * cell - cell / 2) == RGBColor.mid)
    }

    @Test func constantAndEmptyDataRender() throws {
        let grid = try LatLonGrid.global(nlat: 3, nlon: 6)
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
        _ = flat.render()
    }

    /// The report's CRPS chart has six models: each gets its own colour, and the legend wraps instead of running
    /// off the image, so every model's swatch is drawn above the plot.
    @Test func everyBarChartSeriesHasItsOwnColourAndALegendEntry() throws {
        let labels = ["SPF", "Flat flow", "AR pyramidal flow", "Climatology", "Pattern scaling", "Stochastic pattern scaling"]
        #expect(Set(ReportFigures.palette.prefix(labels.count).map { [$0.r, $0.g, $0.b] }).count == labels.count)
        let chart = BarChart(title: "CRPS / floor", yLabel: "x", groups: ["tas yearly", "pr yearly"],
                             series: labels.enumerated().map { (i, l) in (label: l, color: ReportFigures.palette[i], values: [1.0, 1.1]) })
        let image = chart.render()
        // Bars start below the title and the legend rows; the legend's swatches are the only coloured pixels above them.
        let legendBottom = 18 * chart.textScale + 2 * 14 * chart.textScale
        for (i, label) in labels.enumerated() {
            let c = ReportFigures.palette[i]
            var found = false
            for y in 0..<legendBottom {
                for x in 0..<image.width {
                    let k = 3 * (y * image.width + x)
                    if image.pixels[k] == c.r && image.pixels[k + 1] == c.g && image.pixels[k + 2] == c.b { found = true }
                }
            }
            #expect(found, "no legend swatch for \(label)")
        }
    }
}

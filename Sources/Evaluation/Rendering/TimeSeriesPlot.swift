/// A shaded band between two curves, e.g. an ensemble's 5–95 % range.
public struct SeriesBand: Sendable {
    /// x values (years), ascending, `[n]`.
    public var x: [Double]
    /// Lower edge, `[n]`.
    public var lower: [Double]
    /// Upper edge, `[n]`.
    public var upper: [Double]
    /// Fill colour (drawn at `opacity`).
    public var color: RGBColor
    /// Fill opacity in [0, 1].
    public var opacity: Double
    /// Legend label.
    public var label: String

    /// Creates a band.
    public init(x: [Double], lower: [Double], upper: [Double], color: RGBColor, opacity: Double = 0.3, label: String) {
        self.x = x; self.lower = lower; self.upper = upper; self.color = color; self.opacity = opacity; self.label = label
    }
}

/// A line of a time-series plot.
public struct SeriesLine: Sendable {
    /// x values (years), `[n]`.
    public var x: [Double]
    /// y values, `[n]` (non-finite values break the line).
    public var y: [Double]
    /// Colour.
    public var color: RGBColor
    /// Width in pixels.
    public var width: Double
    /// Opacity in [0, 1].
    public var opacity: Double
    /// Legend label; lines sharing a label get one legend entry; empty = no entry.
    public var label: String

    /// Creates a line.
    public init(x: [Double], y: [Double], color: RGBColor, width: Double = 1.5, opacity: Double = 1, label: String) {
        self.x = x; self.y = y; self.color = color; self.width = width; self.opacity = opacity; self.label = label
    }
}

/// A line plot of time series with shaded bands, labelled axes, grid lines and a legend.
public struct TimeSeriesPlot: Sendable {
    /// Title drawn above the plot.
    public var title: String
    /// x-axis label.
    public var xLabel: String = "year"
    /// y-axis label (with units).
    public var yLabel: String
    /// Bands, drawn first in order.
    public var bands: [SeriesBand] = []
    /// Lines, drawn after the bands in order.
    public var lines: [SeriesLine] = []
    /// Image width in pixels.
    public var width: Int = 960
    /// Image height in pixels.
    public var height: Int = 440
    /// Text scale.
    public var textScale: Int = 2
    /// Optional vertical marker (e.g. the start of the scenario, 2015) with its label.
    public var marker: (x: Double, label: String)?

    /// Creates an empty plot.
    public init(title: String, yLabel: String) {
        self.title = title
        self.yLabel = yLabel
    }

    /// Renders the plot.
    public func render() -> RGBImage {
        let s = textScale
        var image = RGBImage(width: width, height: height)
        let xs = bands.flatMap(\.x) + lines.flatMap(\.x)
        let ys = (bands.flatMap(\.lower) + bands.flatMap(\.upper) + lines.flatMap(\.y)).filter(\.isFinite)
        let xMin = xs.min() ?? 0, xMax = max(xs.max() ?? 1, (xs.min() ?? 0) + 1)
        var yMin = ys.min() ?? 0, yMax = ys.max() ?? 1
        if !(yMax > yMin) { yMin -= 0.5; yMax += 0.5 }
        let pad = 0.06 * (yMax - yMin)
        yMin -= pad; yMax += pad
        let yTicks = AxisTicks(lower: yMin, upper: yMax, target: 6)
        let tickWidth = yTicks.labels.map { BitmapFont.width(of: $0, scale: s) }.max() ?? 0
        let left = tickWidth + 12 + 14 * s, right = 16 + BitmapFont.width(of: "2100", scale: s) / 2, top = 20 * s
        let bottom = 26 * s
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Double) -> Double { Double(left) + (x - xMin) / (xMax - xMin) * Double(plotW) }
        func py(_ y: Double) -> Double { Double(top) + (yMax - y) / (yMax - yMin) * Double(plotH) }

        image.text(title, x: left + plotW / 2, y: 5 * s, scale: s, anchor: .centre)
        let xTicks = AxisTicks(lower: xMin, upper: xMax, target: 8)
        for (value, label) in zip(xTicks.values, xTicks.labels) {
            let x = Int(px(value).rounded())
            image.fill(x: x, y: top, width: 1, height: plotH, .grid)
            image.fill(x: x, y: top + plotH, width: 1, height: 5, .text)
            image.text(label, x: x, y: top + plotH + 8, scale: s, anchor: .centre)
        }
        for (value, label) in zip(yTicks.values, yTicks.labels) {
            let y = Int(py(value).rounded())
            image.fill(x: left, y: y, width: plotW, height: 1, .grid)
            image.fill(x: left - 5, y: y, width: 5, height: 1, .text)
            image.text(label, x: left - 8, y: y - (BitmapFont.capHeight * s) / 2, scale: s, anchor: .right)
        }
        if let marker, marker.x > xMin, marker.x < xMax {
            let x = Int(px(marker.x).rounded())
            var yy = top
            while yy < top + plotH { image.fill(x: x, y: yy, width: 1, height: 4, .mid); yy += 8 }
            image.text(marker.label, x: x + 4, y: top + 4, scale: 1, color: .mid)
        }
        for band in bands { fill(band, into: &image, px: px, py: py, plotTop: top, plotBottom: top + plotH) }
        for line in lines {
            var segment: [(Double, Double)] = []
            for (x, y) in zip(line.x, line.y) {
                if y.isFinite { segment.append((px(x), py(y))) } else {
                    image.polyline(segment, line.color, lineWidth: line.width, alpha: line.opacity); segment = []
                }
            }
            image.polyline(segment, line.color, lineWidth: line.width, alpha: line.opacity)
        }
        // Clear anything drawn outside the plot area, then frame it.
        image.strokeRect(x: left, y: top, width: plotW + 1, height: plotH + 1, .text)
        image.text(xLabel, x: left + plotW / 2, y: top + plotH + 10 + 10 * s, scale: s, color: .text, anchor: .centre)
        image.verticalText(yLabel, x: 4, centreY: top + plotH / 2, scale: s)
        drawLegend(into: &image, x: left + 10, y: top + 10)
        return image
    }

    private func fill(_ band: SeriesBand, into image: inout RGBImage, px: (Double) -> Double, py: (Double) -> Double,
                      plotTop: Int, plotBottom: Int) {
        let n = min(band.x.count, band.lower.count, band.upper.count)
        guard n > 1 else { return }
        let x0 = Int(px(band.x[0]).rounded()), x1 = Int(px(band.x[n - 1]).rounded())
        var k = 0
        for x in x0...max(x0, x1) {
            // Data x at this pixel column, then the bracketing samples.
            let xd = band.x[0] + (band.x[n - 1] - band.x[0]) * Double(x - x0) / Double(max(1, x1 - x0))
            while k < n - 2, band.x[k + 1] < xd { k += 1 }
            let t = band.x[k + 1] > band.x[k] ? (xd - band.x[k]) / (band.x[k + 1] - band.x[k]) : 0
            let lo = band.lower[k] + t * (band.lower[k + 1] - band.lower[k])
            let hi = band.upper[k] + t * (band.upper[k + 1] - band.upper[k])
            guard lo.isFinite, hi.isFinite else { continue }
            let yTop = max(Double(plotTop), py(max(lo, hi))), yBottom = min(Double(plotBottom), py(min(lo, hi)))
            var y = Int(yTop.rounded(.down))
            while Double(y) < yBottom {
                // Partial coverage on the two edge pixels keeps the band edges smooth.
                let coverage = min(Double(y) + 1, yBottom) - max(Double(y), yTop)
                image.blend(x, y, band.color, alpha: band.opacity * max(0, min(1, coverage)))
                y += 1
            }
        }
    }

    private func drawLegend(into image: inout RGBImage, x: Int, y: Int) {
        let s = textScale
        var entries: [(String, RGBColor, Bool, Double)] = bands.map { ($0.label, $0.color, true, $0.opacity) }
        var seen = Set<String>()
        for line in lines where !line.label.isEmpty && !seen.contains(line.label) {
            seen.insert(line.label)
            entries.append((line.label, line.color, false, max(line.opacity, 0.8)))
        }
        entries = entries.filter { !$0.0.isEmpty }
        guard !entries.isEmpty else { return }
        let rowH = 12 * s
        let w = 30 + 8 + (entries.map { BitmapFont.width(of: $0.0, scale: s) }.max() ?? 0) + 14
        let h = rowH * entries.count + 8
        image.fill(x: x, y: y, width: w, height: h, .white, alpha: 0.85)
        image.strokeRect(x: x, y: y, width: w, height: h, .grid)
        for (i, entry) in entries.enumerated() {
            let cy = y + 4 + i * rowH + rowH / 2
            if entry.2 {
                image.fill(x: x + 8, y: cy - 5, width: 26, height: 10, entry.1, alpha: entry.3)
            } else {
                image.line(Double(x + 8), Double(cy) + 0.5, Double(x + 34), Double(cy) + 0.5, entry.1, lineWidth: 2.5)
            }
            image.text(entry.0, x: x + 42, y: cy - (BitmapFont.capHeight * s) / 2, scale: s)
        }
    }
}

import Foundation

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
    /// Width in CSS pixels.
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

/// A line plot of time series with shaded bands, labelled axes and grid lines, and its legend in a
/// column to the right of the data area (never over the data).
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
    /// Figure width in CSS pixels (legend included).
    public var width: Double = 960
    /// Figure height in CSS pixels.
    public var height: Double = 420
    /// Font size of the tick labels and the legend.
    public var fontSize: Double = 13
    /// Optional vertical marker (e.g. the start of the scenario, 2015) with its label.
    public var marker: (x: Double, label: String)?

    /// Creates an empty plot.
    public init(title: String, yLabel: String) {
        self.title = title
        self.yLabel = yLabel
    }

    /// The legend's entries: every band, then each distinct non-empty line label once.
    public var legendEntries: [(label: String, color: RGBColor, band: Bool, opacity: Double)] {
        var entries = bands.filter { !$0.label.isEmpty }.map { (label: $0.label, color: $0.color, band: true, opacity: $0.opacity) }
        var seen = Set<String>()
        for line in lines where !line.label.isEmpty && !seen.contains(line.label) {
            seen.insert(line.label)
            entries.append((line.label, line.color, false, max(line.opacity, 0.8)))
        }
        return entries
    }

    /// The data area: where the axes are drawn, left of the legend column.
    public var plotArea: (x: Double, y: Double, width: Double, height: Double) {
        let f = fontSize
        let legendW = legendEntries.isEmpty ? 0 : 34 + (legendEntries.map { SVGCanvas.textWidth($0.label, size: f) }.max() ?? 0) + 16
        let left = tickWidth + 14 + 1.6 * f, right = 16 + legendW, top = 2.6 * f, bottom = 3.2 * f
        return (left, top, width - left - right, height - top - bottom)
    }

    private var yRange: (Double, Double) {
        let ys = (bands.flatMap(\.lower) + bands.flatMap(\.upper) + lines.flatMap(\.y)).filter(\.isFinite)
        var yMin = ys.min() ?? 0, yMax = ys.max() ?? 1
        if !(yMax > yMin) { yMin -= 0.5; yMax += 0.5 }
        let pad = 0.06 * (yMax - yMin)
        return (yMin - pad, yMax + pad)
    }

    private var tickWidth: Double {
        let (lo, hi) = yRange
        return AxisTicks(lower: lo, upper: hi, target: 6).labels.map { SVGCanvas.textWidth($0, size: fontSize) }.max() ?? 0
    }

    /// Renders the plot.
    public func render() -> SVGCanvas {
        let f = fontSize
        var svg = SVGCanvas(width: width, height: height)
        let xs = (bands.flatMap(\.x) + lines.flatMap(\.x)).filter(\.isFinite)
        let xMin = xs.min() ?? 0, xMax = max(xs.max() ?? 1, (xs.min() ?? 0) + 1)
        let (yMin, yMax) = yRange
        let area = plotArea
        let left = area.x, top = area.y, plotW = area.width, plotH = area.height
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * plotW }
        func py(_ y: Double) -> Double { top + (yMax - y) / (yMax - yMin) * plotH }

        svg.text(title, x: left + plotW / 2, y: 1.5 * f, size: 1.1 * f, anchor: .middle, bold: true)
        let xTicks = AxisTicks(lower: xMin, upper: xMax, target: 8)
        for (value, label) in zip(xTicks.values, xTicks.labels) {
            let x = px(value)
            svg.line(x, top, x, top + plotH, stroke: .grid)
            svg.line(x, top + plotH, x, top + plotH + 5, stroke: .text)
            svg.text(label, x: x, y: top + plotH + 6 + f, size: f, anchor: .middle)
        }
        let yTicks = AxisTicks(lower: yMin, upper: yMax, target: 6)
        for (value, label) in zip(yTicks.values, yTicks.labels) {
            let y = py(value)
            svg.line(left, y, left + plotW, y, stroke: .grid)
            svg.line(left - 5, y, left, y, stroke: .text)
            svg.text(label, x: left - 8, y: y + 0.35 * f, size: f, anchor: .end)
        }
        svg.clipRect(id: "plot", x: left, y: top, width: plotW, height: plotH)
        svg.beginGroup("clip-path=\"url(#plot)\"")
        if let marker, marker.x > xMin, marker.x < xMax {
            let x = px(marker.x)
            svg.line(x, top, x, top + plotH, stroke: .mid, dash: "4 4")
            svg.text(marker.label, x: x + 4, y: top + f, size: 0.9 * f, color: RGBColor(hex: 0x666666))
        }
        for band in bands {
            // One polygon per run of finite values: the upper edge left to right, the lower edge back.
            let n = min(band.x.count, band.lower.count, band.upper.count)
            var run: [Int] = []
            func flush() {
                if run.count > 1 {
                    svg.polygon(run.map { (px(band.x[$0]), py(band.upper[$0])) } + run.reversed().map { (px(band.x[$0]), py(band.lower[$0])) },
                                fill: band.color, opacity: band.opacity)
                }
                run = []
            }
            for i in 0..<n {
                if band.x[i].isFinite && band.lower[i].isFinite && band.upper[i].isFinite { run.append(i) } else { flush() }
            }
            flush()
        }
        for line in lines {
            var segment: [(Double, Double)] = []
            for (x, y) in zip(line.x, line.y) {
                if y.isFinite && x.isFinite { segment.append((px(x), py(y))) } else {
                    svg.polyline(segment, stroke: line.color, width: line.width, opacity: line.opacity)
                    segment = []
                }
            }
            svg.polyline(segment, stroke: line.color, width: line.width, opacity: line.opacity)
        }
        svg.endGroup()
        svg.rect(x: left, y: top, width: plotW, height: plotH, fill: nil, stroke: .text, strokeWidth: 1)
        svg.text(xLabel, x: left + plotW / 2, y: top + plotH + 6 + 2.3 * f, size: f, anchor: .middle)
        svg.text(yLabel, x: 1.1 * f, y: top + plotH / 2, size: f, anchor: .middle, rotated: true)

        // Legend: a column right of the data area.
        let legendX = left + plotW + 16, rowH = 1.55 * f
        svg.beginGroup("class=\"legend\"")
        for (i, entry) in legendEntries.enumerated() {
            let y = top + 4 + Double(i) * rowH
            if entry.band {
                svg.rect(x: legendX, y: y, width: 26, height: f, fill: entry.color, opacity: entry.opacity)
            } else {
                svg.line(legendX, y + f / 2, legendX + 26, y + f / 2, stroke: entry.color, width: 2, opacity: entry.opacity)
            }
            svg.text(entry.label, x: legendX + 34, y: y + 0.85 * f, size: f)
        }
        svg.endGroup()
        return svg
    }
}

import Foundation

/// A grouped bar chart: groups along x (e.g. "tas yearly"), one bar per series (model) in each
/// group, with an optional horizontal reference line (e.g. the floor at 1.0). The legend sits
/// between the title and the data area, wrapped into as many rows as it needs.
public struct BarChart: Sendable {
    /// Title drawn above the chart.
    public var title: String
    /// y-axis label.
    public var yLabel: String
    /// Group labels along x, `[group]`.
    public var groups: [String]
    /// Series: label, colour and one value per group (NaN = no bar), `[series][group]`.
    public var series: [(label: String, color: RGBColor, values: [Double])]
    /// Optional reference line value and label.
    public var reference: (value: Double, label: String)?
    /// Figure width in CSS pixels.
    public var width: Double = 960
    /// Figure height in CSS pixels.
    public var height: Double = 400
    /// Font size of the labels and the legend.
    public var fontSize: Double = 13

    /// Creates a chart.
    public init(title: String, yLabel: String, groups: [String],
                series: [(label: String, color: RGBColor, values: [Double])]) {
        self.title = title
        self.yLabel = yLabel
        self.groups = groups
        self.series = series
    }

    /// Renders the chart (bars start at zero; values above the axis maximum are clipped with a mark
    /// and their value written on the bar).
    public func render() -> SVGCanvas {
        let f = fontSize
        var svg = SVGCanvas(width: width, height: height)
        let values = series.flatMap(\.values).filter(\.isFinite).sorted()
        // Clip very tall bars (e.g. climatology at 10× floor) so the competitive ones stay readable:
        // the axis ends at the larger of 1.5 × the median bar and 2 × the reference.
        let median = values.isEmpty ? 1 : values[values.count / 2]
        let cap = max(1.5 * median, 2 * (reference?.value ?? 0))
        let yMax = max(1e-12, min(values.last ?? 1, cap) * 1.08)
        let ticks = AxisTicks(lower: 0, upper: yMax, target: 5)
        let tickWidth = ticks.labels.map { SVGCanvas.textWidth($0, size: f) }.max() ?? 0
        let left = tickWidth + 14 + 1.6 * f, right = 16.0
        let legend = legendLayout(left: left, right: width - right)
        let rowH = 1.5 * f
        let legendTop = 2.4 * f
        let top = legendTop + rowH * Double((legend.map(\.row).max() ?? -1) + 1) + 0.6 * f, bottom = 2.2 * f
        let plotW = width - left - right, plotH = height - top - bottom
        func py(_ v: Double) -> Double { top + (yMax - min(v, yMax)) / yMax * plotH }
        svg.text(title, x: left + plotW / 2, y: 1.5 * f, size: 1.1 * f, anchor: .middle, bold: true)
        for (v, label) in zip(ticks.values, ticks.labels) where v <= yMax {
            svg.line(left, py(v), left + plotW, py(v), stroke: .grid)
            svg.line(left - 5, py(v), left, py(v), stroke: .text)
            svg.text(label, x: left - 8, y: py(v) + 0.35 * f, size: f, anchor: .end)
        }
        let groupW = plotW / Double(max(1, groups.count))
        let barW = max(2, groupW * 0.8 / Double(max(1, series.count)))
        svg.beginGroup("class=\"bars\"")
        for (g, label) in groups.enumerated() {
            let groupLeft = left + Double(g) * groupW
            let start = groupLeft + (groupW - barW * Double(series.count)) / 2
            for (k, entry) in series.enumerated() where g < entry.values.count && entry.values[g].isFinite {
                let v = entry.values[g]
                let x = start + Double(k) * barW
                let yTop = py(v)
                svg.rect(x: x + 1, y: yTop, width: barW - 2, height: top + plotH - yTop, fill: entry.color)
                if v > yMax {  // clipped: a white notch near the top and the value
                    svg.rect(x: x + 1, y: yTop + 6, width: barW - 2, height: 3, fill: .white)
                    let text = AxisTicks.format(v, step: 0.01)
                    let size = SVGCanvas.textWidth(text, size: f) < barW - 4 ? f : 0.75 * f
                    svg.text(text, x: x + barW / 2, y: yTop + 12 + size, size: size, anchor: .middle, color: .white)
                }
            }
            svg.text(label, x: groupLeft + groupW / 2, y: top + plotH + 6 + f, size: f, anchor: .middle)
        }
        svg.endGroup()
        if let reference, reference.value <= yMax {
            let y = py(reference.value)
            svg.line(left, y, left + plotW, y, stroke: .text, width: 1.5, dash: "8 6")
            svg.text(reference.label, x: left + plotW - 4, y: y - 5, size: f, anchor: .end)
        }
        svg.line(left, top + plotH, left + plotW, top + plotH, stroke: .text)
        svg.line(left, top, left, top + plotH, stroke: .text)
        svg.text(yLabel, x: 1.1 * f, y: top + plotH / 2, size: f, anchor: .middle, rotated: true)
        svg.beginGroup("class=\"legend\"")
        for (entry, place) in zip(series, legend) {
            let y = legendTop + Double(place.row) * rowH
            svg.rect(x: place.x, y: y, width: 1.4 * f, height: 0.9 * f, fill: entry.color)
            svg.text(entry.label, x: place.x + 1.4 * f + 6, y: y + 0.85 * f, size: f)
        }
        svg.endGroup()
        return svg
    }

    /// Where each series' legend entry goes: left to right from `left`, wrapping to a new row before an entry
    /// would pass `right`.
    public func legendLayout(left: Double, right: Double) -> [(x: Double, row: Int)] {
        let f = fontSize
        var out: [(x: Double, row: Int)] = []
        var x = left, row = 0
        for entry in series {
            let w = 1.4 * f + 6 + SVGCanvas.textWidth(entry.label, size: f)
            if x > left && x + w > right {
                x = left
                row += 1
            }
            out.append((x, row))
            x += w + 1.2 * f
        }
        return out
    }
}

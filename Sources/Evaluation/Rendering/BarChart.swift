/// A grouped bar chart: groups along x (e.g. "tas yearly"), one bar per series (model) in each
/// group, with an optional horizontal reference line (e.g. the floor at 1.0).
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
    /// Image width in pixels.
    public var width: Int = 960
    /// Image height in pixels.
    public var height: Int = 400
    /// Text scale.
    public var textScale: Int = 2

    /// Creates a chart.
    public init(title: String, yLabel: String, groups: [String],
                series: [(label: String, color: RGBColor, values: [Double])]) {
        self.title = title
        self.yLabel = yLabel
        self.groups = groups
        self.series = series
    }

    /// Renders the chart (bars start at zero; values above the axis maximum are clipped with a mark).
    public func render() -> RGBImage {
        let s = textScale
        var image = RGBImage(width: width, height: height)
        let values = series.flatMap(\.values).filter(\.isFinite).sorted()
        // Clip very tall bars (e.g. climatology at 10× floor) so the competitive ones stay readable:
        // the axis ends at the larger of 1.5 × the median bar and 2 × the reference.
        let median = values.isEmpty ? 1 : values[values.count / 2]
        let cap = max(1.5 * median, 2 * (reference?.value ?? 0))
        let yMax = max(1e-12, min(values.last ?? 1, cap) * 1.08)
        let ticks = AxisTicks(lower: 0, upper: yMax, target: 5)
        let tickWidth = ticks.labels.map { BitmapFont.width(of: $0, scale: s) }.max() ?? 0
        let left = tickWidth + 12 + 14 * s, right = 16
        let legend = legendLayout(left: left, right: width - right)
        let legendH = 14 * s * ((legend.map(\.row).max() ?? 0) + 1)
        let top = 20 * s + legendH, bottom = 20 * s
        let plotW = width - left - right, plotH = height - top - bottom
        func py(_ v: Double) -> Int { top + Int(((yMax - min(v, yMax)) / yMax * Double(plotH)).rounded()) }
        image.text(title, x: left + plotW / 2, y: 5 * s, scale: s, anchor: .centre)
        for (v, label) in zip(ticks.values, ticks.labels) where v <= yMax {
            image.fill(x: left, y: py(v), width: plotW, height: 1, .grid)
            image.fill(x: left - 5, y: py(v), width: 5, height: 1, .text)
            image.text(label, x: left - 8, y: py(v) - BitmapFont.capHeight * s / 2, scale: s, anchor: .right)
        }
        let groupW = Double(plotW) / Double(max(1, groups.count))
        let barW = max(2, Int(groupW * 0.8 / Double(max(1, series.count))))
        for (g, label) in groups.enumerated() {
            let groupLeft = Double(left) + Double(g) * groupW
            let start = Int(groupLeft + (groupW - Double(barW * series.count)) / 2)
            for (k, entry) in series.enumerated() where g < entry.values.count && entry.values[g].isFinite {
                let v = entry.values[g]
                let x = start + k * barW
                let yTop = py(v)
                image.fill(x: x + 1, y: yTop, width: barW - 2, height: top + plotH - yTop, entry.color)
                if v > yMax {  // clipped: a white notch near the top
                    image.fill(x: x + 1, y: yTop + 6, width: barW - 2, height: 3, .white)
                    let text = AxisTicks.format(v, step: 0.01)
                    let scale = BitmapFont.width(of: text, scale: s) < barW - 4 ? s : 1
                    image.text(text, x: x + barW / 2, y: yTop + 14, scale: scale, color: .white, anchor: .centre)
                }
            }
            image.text(label, x: Int(groupLeft + groupW / 2), y: top + plotH + 8, scale: s, anchor: .centre)
        }
        if let reference, reference.value <= yMax {
            let y = py(reference.value)
            var x = left
            while x < left + plotW { image.fill(x: x, y: y, width: 8, height: 2, .text); x += 14 }
            image.text(reference.label, x: left + plotW - 4, y: y - BitmapFont.lineHeight * s, scale: s, anchor: .right)
        }
        image.fill(x: left, y: top + plotH, width: plotW, height: 1, .text)
        image.fill(x: left, y: top, width: 1, height: plotH, .text)
        image.verticalText(yLabel, x: 4, centreY: top + plotH / 2, scale: s)
        // Legend under the title, in as many rows as the entries need.
        for (entry, place) in zip(series, legend) {
            let y = 18 * s + place.row * 14 * s
            image.fill(x: place.x, y: y, width: 10 * s, height: 7 * s, entry.color)
            image.text(entry.label, x: place.x + 12 * s, y: y, scale: s)
        }
        return image
    }

    /// Where each series' legend entry goes: left to right from `left`, wrapping to a new row before an entry
    /// would pass `right`.
    func legendLayout(left: Int, right: Int) -> [(x: Int, row: Int)] {
        let s = textScale
        var out: [(x: Int, row: Int)] = []
        var x = left, row = 0
        for entry in series {
            let w = 12 * s + BitmapFont.width(of: entry.label, scale: s)
            if x > left && x + w > right {
                x = left
                row += 1
            }
            out.append((x, row))
            x += w + 12 * s
        }
        return out
    }
}

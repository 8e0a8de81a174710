import Foundation

/// How a map's colours are scaled.
public enum MapStyle: Sendable, Equatable {
    /// Sequential map over the 1st–99th percentile of the field (means, spreads).
    case sequential(Colormap)
    /// Diverging map symmetric about zero over ± the 99th percentile of |value| (errors).
    case diverging(Colormap)
    /// A fixed range.
    case fixed(Colormap, lower: Double, upper: Double)
}

/// Renders a lat-lon field as a colour image with labelled axes and a colour bar.
public struct MapRenderer: Sendable {
    /// Target width of the map area in pixels (cells are replicated by an integer factor).
    public var mapWidth: Int = 640
    /// Text scale (1 = 5×7 pixel glyphs).
    public var textScale: Int = 2

    /// Creates a renderer with default sizes.
    public init() {}

    /// Renders `field` (`[lat, lon]` on `grid`; NaN cells grey) with a title and a colour-bar label.
    public func render(field: [Float], grid: LatLonGrid, title: String, units: String,
                       style: MapStyle) throws(EvaluationError) -> RGBImage {
        guard field.count == grid.cellCount else {
            throw EvaluationError(.shapeMismatch, "map field has \(field.count) values, grid \(grid.cellCount)")
        }
        let (colormap, lower, upper) = Self.range(field: field, style: style)
        let s = textScale
        let cellW = max(1, Int((Double(mapWidth) / Double(grid.nlon)).rounded()))
        // Keep roughly equal-angle aspect: a cell's height is its width × Δφ/Δλ.
        let dlat = grid.nlat > 1 ? abs(grid.latitudes[1] - grid.latitudes[0]) : 180
        let dlon = grid.nlon > 1 ? abs(grid.longitudes[1] - grid.longitudes[0]) : 360
        let cellH = max(1, Int((Double(cellW) * dlat / dlon).rounded()))
        let mapW = cellW * grid.nlon, mapH = cellH * grid.nlat
        let left = BitmapFont.width(of: "90°N", scale: s) + 12 + BitmapFont.lineHeight * s + 4
        let top = 18 * s, right = 60 * s, bottom = 26 * s
        var image = RGBImage(width: left + mapW + right, height: top + mapH + bottom)
        image.text(title, x: left + mapW / 2, y: 5 * s, scale: s, anchor: .centre)
        // Rows: north at the top whatever the storage order.
        let ascending = grid.nlat < 2 || grid.latitudes[1] > grid.latitudes[0]
        for row in 0..<grid.nlat {
            let screenRow = ascending ? grid.nlat - 1 - row : row
            for col in 0..<grid.nlon {
                let v = Double(field[row * grid.nlon + col])
                let c = v.isFinite ? colormap.color(at: (v - lower) / (upper - lower)) : RGBColor.mid
                image.fill(x: left + col * cellW, y: top + screenRow * cellH, width: cellW, height: cellH, c)
            }
        }
        image.strokeRect(x: left - 1, y: top - 1, width: mapW + 2, height: mapH + 2, .text)
        // Latitude ticks every 30°, longitude every 60°, placed by the grid's cell edges.
        let latTop = (grid.latitudes.max() ?? 90) + dlat / 2, latBottom = (grid.latitudes.min() ?? -90) - dlat / 2
        let lonLeft = (grid.longitudes.first ?? 0) - dlon / 2, lonRight = lonLeft + dlon * Double(grid.nlon)
        for lat in stride(from: -60.0, through: 60.0, by: 30) where lat >= latBottom - 1e-9 && lat <= latTop + 1e-9 {
            let y = top + Int(((latTop - lat) / (latTop - latBottom) * Double(mapH)).rounded())
            image.fill(x: left - 5, y: y, width: 4, height: 1, .text)
            image.text(Self.latitudeLabel(lat), x: left - 8, y: y - (BitmapFont.capHeight * s) / 2, scale: s,
                       anchor: .right)
        }
        let lonStep = lonRight - lonLeft > 180 ? 60.0 : 30.0
        var lon = (lonLeft / lonStep).rounded(.up) * lonStep
        while lon <= lonRight + 1e-9 {
            let x = left + Int(((lon - lonLeft) / (lonRight - lonLeft) * Double(mapW)).rounded())
            image.fill(x: x, y: top + mapH + 1, width: 1, height: 4, .text)
            image.text(Self.longitudeLabel(lon), x: x, y: top + mapH + 7, scale: s, anchor: .centre)
            lon += lonStep
        }
        image.text("longitude", x: left + mapW / 2, y: top + mapH + 9 + 10 * s, scale: s, color: .mid, anchor: .centre)
        image.verticalText("latitude", x: 2, centreY: top + mapH / 2, scale: s, color: .mid)
        drawColourBar(into: &image, x: left + mapW + 8 * s, y: top, height: mapH, colormap: colormap,
                      lower: lower, upper: upper, units: units)
        return image
    }

    private func drawColourBar(into image: inout RGBImage, x: Int, y: Int, height: Int, colormap: Colormap,
                               lower: Double, upper: Double, units: String) {
        let s = textScale, barW = 8 * s
        for k in 0..<height {
            let t = 1 - (Double(k) + 0.5) / Double(height)
            image.fill(x: x, y: y + k, width: barW, height: 1, colormap.color(at: t))
        }
        image.strokeRect(x: x - 1, y: y - 1, width: barW + 2, height: height + 2, .text)
        let ticks = AxisTicks(lower: lower, upper: upper, target: 5)
        for (value, label) in zip(ticks.values, ticks.labels) {
            let yy = y + Int(((upper - value) / (upper - lower) * Double(height)).rounded())
            image.fill(x: x + barW + 1, y: yy, width: 4, height: 1, .text)
            image.text(label, x: x + barW + 7, y: yy - (BitmapFont.capHeight * s) / 2, scale: s)
        }
        let labelWidth = ticks.labels.map { BitmapFont.width(of: $0, scale: s) }.max() ?? 0
        image.verticalText(units, x: min(image.width - BitmapFont.lineHeight * s, x + barW + 12 + labelWidth),
                           centreY: y + height / 2, scale: s)
    }

    /// The colour map and value range `style` gives for `field`.
    static func range(field: [Float], style: MapStyle) -> (Colormap, Double, Double) {
        let finite = field.map(Double.init).filter(\.isFinite).sorted()
        func percentile(_ p: Double, _ v: [Double]) -> Double {
            guard !v.isEmpty else { return 0 }
            return v[min(v.count - 1, max(0, Int((p * Double(v.count - 1)).rounded())))]
        }
        switch style {
        case let .fixed(map, lower, upper):
            return (map, lower, upper > lower ? upper : lower + 1)
        case let .sequential(map):
            var lo = percentile(0.01, finite), hi = percentile(0.99, finite)
            if !(hi > lo) { lo -= 0.5; hi += 0.5 }
            return (map, lo, hi)
        case let .diverging(map):
            var m = percentile(0.99, finite.map(abs).sorted())
            if !(m > 0) { m = 1 }
            return (map, -m, m)
        }
    }

    static func latitudeLabel(_ lat: Double) -> String {
        lat == 0 ? "0°" : "\(Int(abs(lat)))°\(lat > 0 ? "N" : "S")"
    }

    static func longitudeLabel(_ lon: Double) -> String {
        var l = lon.truncatingRemainder(dividingBy: 360)
        if l > 180 { l -= 360 }
        if l < -180 { l += 360 }
        if abs(l) < 1e-9 || abs(abs(l) - 180) < 1e-9 { return "\(Int(abs(l)))°" }
        return "\(Int(abs(l)))°\(l > 0 ? "E" : "W")"
    }
}

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

/// Renders a lat-lon field as an SVG map: one rectangle per grid cell (north up, missing cells grey),
/// the coastline drawn over it, labelled latitude and longitude ticks and a colour bar with the units.
public struct MapRenderer: Sendable {
    /// Width of the map area in CSS pixels.
    public var mapWidth: Double = 640
    /// Font size of the tick labels (the title is a little larger).
    public var fontSize: Double = 13
    /// The coastline drawn over the cells (nil: none).
    public var coastline: Coastline? = .naturalEarth110m

    /// Creates a renderer with default sizes and Natural Earth's coastline.
    public init() {}

    /// Renders `field` (`[lat, lon]` on `grid`; NaN cells grey) with a title and a colour-bar label.
    public func render(field: [Float], grid: AreaWeightedGrid, title: String, units: String,
                       style: MapStyle) throws(EvaluationError) -> SVGCanvas {
        guard field.count == grid.cellCount else {
            throw EvaluationError(.shapeMismatch, "map field has \(field.count) values, grid \(grid.cellCount)")
        }
        let (colormap, lower, upper) = Self.range(field: field, style: style)
        let f = fontSize
        let dlat = grid.nlat > 1 ? abs(grid.latitudes[1] - grid.latitudes[0]) : 180
        let dlon = grid.nlon > 1 ? abs(grid.longitudes[1] - grid.longitudes[0]) : 360
        // Equal-angle aspect: a cell is as many pixels high per degree as it is wide.
        let cellW = mapWidth / Double(grid.nlon), cellH = cellW * dlat / dlon
        let mapW = mapWidth, mapH = cellH * Double(grid.nlat)
        let left = SVGCanvas.textWidth("90°N", size: f) + 10 + 1.4 * f + 6
        let top = 2.2 * f, bottom = 3.2 * f
        let ticks = AxisTicks(lower: lower, upper: upper, target: 5)
        let barX = left + mapW + 1.2 * f, barW = 1.1 * f
        let labelWidth = ticks.labels.map { SVGCanvas.textWidth($0, size: f) }.max() ?? 0
        let unitsX = barX + barW + 10 + labelWidth + 0.6 * f + f
        var svg = SVGCanvas(width: unitsX + 0.6 * f, height: top + mapH + bottom)
        svg.text(title, x: left + mapW / 2, y: 1.4 * f, size: 1.1 * f, anchor: .middle, bold: true)

        // Cells, top row first: north at the top whatever the storage order.
        let ascending = grid.nlat < 2 || grid.latitudes[1] > grid.latitudes[0]
        svg.beginGroup("class=\"cells\" shape-rendering=\"crispEdges\"")
        for screenRow in 0..<grid.nlat {
            let row = ascending ? grid.nlat - 1 - screenRow : screenRow
            for col in 0..<grid.nlon {
                let v = Double(field[row * grid.nlon + col])
                let c = v.isFinite ? colormap.color(at: (v - lower) / (upper - lower)) : RGBColor.mid
                // A hair of overlap so no seam shows between neighbours at any zoom.
                svg.rect(x: left + Double(col) * cellW, y: top + Double(screenRow) * cellH,
                         width: cellW + 0.3, height: cellH + 0.3, fill: c)
            }
        }
        svg.endGroup()

        let latTop = (grid.latitudes.max() ?? 90) + dlat / 2, latBottom = (grid.latitudes.min() ?? -90) - dlat / 2
        let lonLeft = (grid.longitudes.first ?? 0) - dlon / 2, lonRight = lonLeft + dlon * Double(grid.nlon)
        func px(_ lon: Double) -> Double { left + (lon - lonLeft) / (lonRight - lonLeft) * mapW }
        func py(_ lat: Double) -> Double { top + (latTop - lat) / (latTop - latBottom) * mapH }
        if let coastline {
            svg.clipRect(id: "map", x: left, y: top, width: mapW, height: mapH)
            svg.beginGroup("class=\"coastline\" clip-path=\"url(#map)\"")
            for line in coastline.wrapped(west: lonLeft) {
                svg.polyline(line.map { (px($0.lon), py($0.lat)) }, stroke: RGBColor(hex: 0x111111), width: 0.9)
            }
            svg.endGroup()
        }
        svg.rect(x: left, y: top, width: mapW, height: mapH, fill: nil, stroke: .text, strokeWidth: 1)

        // Latitude ticks every 30°, longitude every 60° (30° on regional maps).
        for lat in stride(from: -60.0, through: 60.0, by: 30) where lat >= latBottom - 1e-9 && lat <= latTop + 1e-9 {
            let y = py(lat)
            svg.line(left - 5, y, left, y, stroke: .text)
            svg.text(Self.latitudeLabel(lat), x: left - 8, y: y + 0.35 * f, size: f, anchor: .end)
        }
        let lonStep = lonRight - lonLeft > 180 ? 60.0 : 30.0
        var lon = (lonLeft / lonStep).rounded(.up) * lonStep
        while lon <= lonRight + 1e-9 {
            let x = px(lon)
            svg.line(x, top + mapH, x, top + mapH + 5, stroke: .text)
            svg.text(Self.longitudeLabel(lon), x: x, y: top + mapH + 6 + f, size: f, anchor: .middle)
            lon += lonStep
        }
        svg.text("longitude", x: left + mapW / 2, y: top + mapH + 6 + 2.3 * f, size: f, anchor: .middle, color: RGBColor(hex: 0x666666))
        svg.text("latitude", x: 1.1 * f, y: top + mapH / 2, size: f, anchor: .middle, color: RGBColor(hex: 0x666666), rotated: true)

        // Colour bar: the colour map's anchors as a gradient, with ticks and the units.
        let stops = colormap.anchors.enumerated().map { (i, c) in (offset: Double(i) / Double(colormap.anchors.count - 1), color: c) }
        svg.linearGradient(id: "bar", stops: stops, upward: true)
        svg.append("<rect x=\"\(SVGCanvas.n(barX))\" y=\"\(SVGCanvas.n(top))\" width=\"\(SVGCanvas.n(barW))\" "
                   + "height=\"\(SVGCanvas.n(mapH))\" fill=\"url(#bar)\" stroke=\"#222222\" stroke-width=\"1\"/>")
        for (value, label) in zip(ticks.values, ticks.labels) {
            let y = top + (upper - value) / (upper - lower) * mapH
            svg.line(barX + barW, y, barX + barW + 5, y, stroke: .text)
            svg.text(label, x: barX + barW + 8, y: y + 0.35 * f, size: f)
        }
        svg.text(units, x: unitsX, y: top + mapH / 2, size: f, anchor: .middle, rotated: true)
        return svg
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

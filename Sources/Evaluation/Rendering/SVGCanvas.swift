import Foundation

/// A vector figure: SVG elements in drawing order on a `width` × `height` canvas (CSS pixels), written
/// as a standalone SVG document (``document``) that the report shows with `<img>`.
///
/// Why SVG and not Cairo: the report is read in a browser, which renders SVG natively with the
/// reader's own fonts (antialiased, hinted, sharp at any zoom and on high-density screens), so plain
/// SVG text gives readable, resolution-independent charts with no C library, no system-library target
/// and no fonts to install on the machine that writes the report; the files are small text (a map is
/// one rectangle per grid cell plus the coastline), diff-able and deterministic byte for byte. Cairo
/// would add a native dependency to every build and CI machine to produce raster PNGs a browser then
/// scales, or SVGs we can write directly. Text widths for layout are estimated
/// (``textWidth(_:size:)``) from a generous average advance, so labels get room in any sans-serif font.
public struct SVGCanvas: Sendable, Equatable {
    /// Where a text's anchor point sits along the text (SVG `text-anchor`).
    public enum Anchor: String, Sendable {
        /// The anchor is the start (left end) of the text.
        case start
        /// The anchor is the middle of the text.
        case middle
        /// The anchor is the end (right end) of the text.
        case end
    }

    /// Width in CSS pixels.
    public let width: Double
    /// Height in CSS pixels.
    public let height: Double
    /// The elements drawn so far, in order.
    public private(set) var body: String = ""
    /// Definitions (gradients, clip paths).
    public private(set) var definitions: String = ""

    /// The font stack every text uses: the browser picks the first it has.
    public static let fontFamily = "DejaVu Sans, Liberation Sans, Helvetica, Arial, sans-serif"

    /// An empty canvas.
    public init(width: Double, height: Double) {
        self.width = max(1, width.rounded(.up))
        self.height = max(1, height.rounded(.up))
    }

    /// The standalone SVG document.
    public var document: String {
        var o = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" "
        o += "viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" font-family=\"\(Self.fontFamily)\">\n"
        if !definitions.isEmpty { o += "<defs>\n\(definitions)</defs>\n" }
        o += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        o += body
        o += "</svg>\n"
        return o
    }

    /// A generous estimate of the width of `text` at font size `size` (an average advance of 0.6 em,
    /// wider than DejaVu Sans's and Helvetica's for mixed text), for placing labels.
    public static func textWidth(_ text: String, size: Double) -> Double { Double(text.count) * 0.6 * size }

    /// A number as SVG writes it: at most two decimals, no trailing zeros.
    static func n(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        var s = String(format: "%.2f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    private static func opacity(_ name: String, _ value: Double) -> String {
        value < 1 ? " \(name)=\"\(n(max(0, value)))\"" : ""
    }

    /// Appends raw SVG (a caller's own element).
    mutating func append(_ element: String) { body += element + "\n" }

    /// Opens a group with the given attributes (e.g. `class="cells"`); close it with ``endGroup()``.
    public mutating func beginGroup(_ attributes: String) { body += "<g \(attributes)>\n" }

    /// Closes the innermost group.
    public mutating func endGroup() { body += "</g>\n" }

    /// A filled (and optionally outlined) rectangle.
    public mutating func rect(x: Double, y: Double, width w: Double, height h: Double, fill: RGBColor?,
                              stroke: RGBColor? = nil, strokeWidth: Double = 1, opacity: Double = 1) {
        var o = "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(max(0, w)))\" height=\"\(Self.n(max(0, h)))\""
        o += " fill=\"\(fill?.css ?? "none")\"" + Self.opacity("fill-opacity", opacity)
        if let stroke { o += " stroke=\"\(stroke.css)\" stroke-width=\"\(Self.n(strokeWidth))\"" }
        append(o + "/>")
    }

    /// A straight line; `dash` is an SVG dash pattern such as `"6 4"`.
    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: RGBColor,
                              width: Double = 1, dash: String? = nil, opacity: Double = 1) {
        var o = "<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\""
        o += " stroke=\"\(stroke.css)\" stroke-width=\"\(Self.n(width))\"" + Self.opacity("stroke-opacity", opacity)
        if let dash { o += " stroke-dasharray=\"\(dash)\"" }
        append(o + "/>")
    }

    /// An open polyline through `points` (nothing for fewer than two points).
    public mutating func polyline(_ points: [(Double, Double)], stroke: RGBColor, width: Double = 1, opacity: Double = 1) {
        guard points.count > 1 else { return }
        var o = "<polyline points=\"" + points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
        o += "\" fill=\"none\" stroke=\"\(stroke.css)\" stroke-width=\"\(Self.n(width))\" stroke-linejoin=\"round\""
        append(o + Self.opacity("stroke-opacity", opacity) + "/>")
    }

    /// A filled polygon through `points`.
    public mutating func polygon(_ points: [(Double, Double)], fill: RGBColor, opacity: Double = 1) {
        guard points.count > 2 else { return }
        let o = "<polygon points=\"" + points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
            + "\" fill=\"\(fill.css)\"" + Self.opacity("fill-opacity", opacity)
        append(o + "/>")
    }

    /// Text with its baseline at `y`; `rotated` turns it 90° counter-clockwise about (x, y), reading bottom to top.
    public mutating func text(_ text: String, x: Double, y: Double, size: Double = 13, anchor: Anchor = .start,
                              color: RGBColor = .text, bold: Bool = false, rotated: Bool = false) {
        var o = "<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" font-size=\"\(Self.n(size))\""
        if anchor != .start { o += " text-anchor=\"\(anchor.rawValue)\"" }
        o += " fill=\"\(color.css)\""
        if bold { o += " font-weight=\"bold\"" }
        if rotated { o += " transform=\"rotate(-90 \(Self.n(x)) \(Self.n(y)))\"" }
        append(o + ">\(HTML.escape(text))</text>")  // XML text: the same escaping as the report's HTML
    }

    /// Defines a linear gradient `id` through `stops` (offset in [0, 1], colour), from bottom to top
    /// when `upward`, else from left to right.
    public mutating func linearGradient(id: String, stops: [(offset: Double, color: RGBColor)], upward: Bool) {
        definitions += "<linearGradient id=\"\(id)\" x1=\"0\" y1=\"\(upward ? 1 : 0)\" x2=\"\(upward ? 0 : 1)\" y2=\"0\">\n"
        for s in stops { definitions += "<stop offset=\"\(Self.n(s.offset))\" stop-color=\"\(s.color.css)\"/>\n" }
        definitions += "</linearGradient>\n"
    }

    /// Defines a rectangular clip path `id`; use it with `beginGroup("clip-path=\"url(#id)\"")`.
    public mutating func clipRect(id: String, x: Double, y: Double, width w: Double, height h: Double) {
        definitions += "<clipPath id=\"\(id)\"><rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(w))\" "
        definitions += "height=\"\(Self.n(h))\"/></clipPath>\n"
    }
}

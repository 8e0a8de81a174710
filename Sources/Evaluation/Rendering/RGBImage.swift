/// An sRGB colour, 8 bits per channel.
public struct RGBColor: Sendable, Equatable {
    /// Red.
    public var r: UInt8
    /// Green.
    public var g: UInt8
    /// Blue.
    public var b: UInt8

    /// Creates a colour from channels.
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }

    /// Creates a colour from `0xRRGGBB`.
    public init(hex: UInt32) { self.init(UInt8(hex >> 16), UInt8((hex >> 8) & 0xFF), UInt8(hex & 0xFF)) }

    /// White.
    public static let white = RGBColor(255, 255, 255)
    /// Black.
    public static let black = RGBColor(0, 0, 0)
    /// Dark grey for text.
    public static let text = RGBColor(hex: 0x222222)
    /// Light grey for grid lines.
    public static let grid = RGBColor(hex: 0xE3E3E3)
    /// Mid grey for missing data and axes details.
    public static let mid = RGBColor(hex: 0x9A9A9A)

    /// Linear mix `self·(1−t) + other·t`.
    public func mixed(with other: RGBColor, _ t: Double) -> RGBColor {
        let u = min(1, max(0, t))
        func m(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) * (1 - u) + Double(b) * u).rounded()) }
        return RGBColor(m(r, other.r), m(g, other.g), m(b, other.b))
    }
}

/// A raster canvas: `pixels` is `[height, width, 3]` (RGB, row-major, top row first).
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// RGB bytes, `[height, width, 3]`.
    public var pixels: [UInt8]

    /// A canvas filled with `background`.
    public init(width: Int, height: Int, background: RGBColor = .white) {
        self.width = max(1, width)
        self.height = max(1, height)
        pixels = [UInt8](repeating: 0, count: self.width * self.height * 3)
        for i in 0..<(self.width * self.height) {
            pixels[3 * i] = background.r; pixels[3 * i + 1] = background.g; pixels[3 * i + 2] = background.b
        }
    }

    /// Sets one pixel (ignored outside the canvas).
    @inline(__always) public mutating func set(_ x: Int, _ y: Int, _ c: RGBColor) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = 3 * (y * width + x)
        pixels[i] = c.r; pixels[i + 1] = c.g; pixels[i + 2] = c.b
    }

    /// Blends `c` over one pixel with opacity `alpha` in [0, 1].
    @inline(__always) public mutating func blend(_ x: Int, _ y: Int, _ c: RGBColor, alpha: Double) {
        guard x >= 0, y >= 0, x < width, y < height, alpha > 0 else { return }
        let i = 3 * (y * width + x)
        let a = min(1, alpha)
        pixels[i] = UInt8((Double(pixels[i]) * (1 - a) + Double(c.r) * a).rounded())
        pixels[i + 1] = UInt8((Double(pixels[i + 1]) * (1 - a) + Double(c.g) * a).rounded())
        pixels[i + 2] = UInt8((Double(pixels[i + 2]) * (1 - a) + Double(c.b) * a).rounded())
    }

    /// Fills the rectangle `[x, x + w) × [y, y + h)`.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ c: RGBColor, alpha: Double = 1) {
        let y0 = max(0, y), y1 = min(height, y + h), x0 = max(0, x), x1 = min(width, x + w)
        guard y0 < y1, x0 < x1 else { return }
        for yy in y0..<y1 {
            for xx in x0..<x1 {
                if alpha >= 1 { set(xx, yy, c) } else { blend(xx, yy, c, alpha: alpha) }
            }
        }
    }

    /// Outlines the rectangle `[x, x + w) × [y, y + h)` with 1-pixel lines.
    public mutating func strokeRect(x: Int, y: Int, width w: Int, height h: Int, _ c: RGBColor) {
        fill(x: x, y: y, width: w, height: 1, c)
        fill(x: x, y: y + h - 1, width: w, height: 1, c)
        fill(x: x, y: y, width: 1, height: h, c)
        fill(x: x + w - 1, y: y, width: 1, height: h, c)
    }

    /// An anti-aliased line of `lineWidth` pixels from (x0, y0) to (x1, y1) (pixel centres at .5).
    public mutating func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ c: RGBColor,
                              lineWidth: Double = 1, alpha: Double = 1) {
        guard x0.isFinite, y0.isFinite, x1.isFinite, y1.isFinite, lineWidth.isFinite else { return }
        let half = lineWidth / 2
        let minX = Int((min(x0, x1) - half - 1).rounded(.down)), maxX = Int((max(x0, x1) + half + 1).rounded(.up))
        let minY = Int((min(y0, y1) - half - 1).rounded(.down)), maxY = Int((max(y0, y1) + half + 1).rounded(.up))
        let dx = x1 - x0, dy = y1 - y0
        let len2 = dx * dx + dy * dy
        guard maxY >= 0, minY < height, maxX >= 0, minX < width else { return }
        for py in max(0, minY)...min(height - 1, maxY) {
            for px in max(0, minX)...min(width - 1, maxX) {
                let cx = Double(px) + 0.5, cy = Double(py) + 0.5
                var t = len2 > 0 ? ((cx - x0) * dx + (cy - y0) * dy) / len2 : 0
                t = min(1, max(0, t))
                let ex = x0 + t * dx - cx, ey = y0 + t * dy - cy
                let d = (ex * ex + ey * ey).squareRoot()
                let coverage = min(1, max(0, half + 0.5 - d))
                if coverage > 0 { blend(px, py, c, alpha: coverage * alpha) }
            }
        }
    }

    /// An anti-aliased polyline through `points`.
    public mutating func polyline(_ points: [(Double, Double)], _ c: RGBColor, lineWidth: Double = 1, alpha: Double = 1) {
        guard points.count > 1 else { return }
        // Draw into a coverage mask first so joints are not blended twice.
        var mask = [Double](repeating: 0, count: width * height)
        let half = lineWidth / 2
        for k in 1..<points.count {
            let (x0, y0) = points[k - 1], (x1, y1) = points[k]
            guard x0.isFinite, y0.isFinite, x1.isFinite, y1.isFinite else { continue }
            let minX = Int((min(x0, x1) - half - 1).rounded(.down)), maxX = Int((max(x0, x1) + half + 1).rounded(.up))
            let minY = Int((min(y0, y1) - half - 1).rounded(.down)), maxY = Int((max(y0, y1) + half + 1).rounded(.up))
            let dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy
            guard maxY >= 0, minY < height, maxX >= 0, minX < width else { continue }
            for py in max(0, minY)...min(height - 1, maxY) {
                for px in max(0, minX)...min(width - 1, maxX) {
                    let cx = Double(px) + 0.5, cy = Double(py) + 0.5
                    var t = len2 > 0 ? ((cx - x0) * dx + (cy - y0) * dy) / len2 : 0
                    t = min(1, max(0, t))
                    let ex = x0 + t * dx - cx, ey = y0 + t * dy - cy
                    let coverage = min(1, max(0, half + 0.5 - (ex * ex + ey * ey).squareRoot()))
                    let i = py * width + px
                    if coverage > mask[i] { mask[i] = coverage }
                }
            }
        }
        for i in 0..<(width * height) where mask[i] > 0 { blend(i % width, i / width, c, alpha: mask[i] * alpha) }
    }

    /// Encodes the canvas as PNG bytes.
    public func pngData() -> [UInt8] { PNGEncoder.encode(self) }
}

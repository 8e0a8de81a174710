/// An sRGB colour, 8 bits per channel.
public struct RGBColor: Sendable, Equatable, Hashable {
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

    /// `#rrggbb`, as SVG and CSS write it.
    public var css: String {
        let digits = Array("0123456789abcdef")
        var s = "#"
        for c in [r, g, b] { s.append(digits[Int(c >> 4)]); s.append(digits[Int(c & 0xF)]) }
        return s
    }

    /// Linear mix `self·(1−t) + other·t`.
    public func mixed(with other: RGBColor, _ t: Double) -> RGBColor {
        let u = min(1, max(0, t))
        func m(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) * (1 - u) + Double(b) * u).rounded()) }
        return RGBColor(m(r, other.r), m(g, other.g), m(b, other.b))
    }
}

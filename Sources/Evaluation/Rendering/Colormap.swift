/// A colour map: piecewise-linear interpolation between evenly spaced anchor colours.
public struct Colormap: Sendable, Equatable {
    /// Anchor colours from the low end (0) to the high end (1).
    public let anchors: [RGBColor]
    /// Whether the map is diverging (centred on zero).
    public let diverging: Bool

    /// Creates a map from at least two anchors.
    public init(anchors: [RGBColor], diverging: Bool) {
        self.anchors = anchors.count >= 2 ? anchors : [.black, .white]
        self.diverging = diverging
    }

    /// The colour at `t` in [0, 1] (clamped).
    public func color(at t: Double) -> RGBColor {
        guard t.isFinite else { return .mid }
        let u = min(1, max(0, t)) * Double(anchors.count - 1)
        let i = min(anchors.count - 2, Int(u))
        return anchors[i].mixed(with: anchors[i + 1], u - Double(i))
    }

    /// A perceptually uniform sequential map close to matplotlib's viridis (for means and spreads).
    public static let viridis = Colormap(anchors: [0x440154, 0x472C7A, 0x3B528B, 0x2C718E, 0x21918C, 0x28AE80,
                                                   0x5EC962, 0xADDC30, 0xFDE725].map { RGBColor(hex: $0) },
                                         diverging: false)

    /// A diverging blue–white–red map close to ColorBrewer's RdBu, reversed (for errors: blue = too low).
    public static let blueWhiteRed = Colormap(anchors: [0x053061, 0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7,
                                                        0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B, 0x67001F]
                                                  .map { RGBColor(hex: $0) }, diverging: true)

    /// A sequential white-to-blue-green map for precipitation-like fields.
    public static let wetness = Colormap(anchors: [0xFFFFE5, 0xD9F0A3, 0x78C679, 0x41AB5D, 0x238443, 0x006837,
                                                   0x08306B].map { RGBColor(hex: $0) }, diverging: false)
}

/// Where a text's anchor point sits relative to the text.
public enum TextAnchor: Sendable {
    /// Anchor at the left end of the text.
    case left
    /// Anchor at the centre of the text.
    case centre
    /// Anchor at the right end of the text.
    case right
}

extension RGBImage {
    /// Draws `text` with the built-in bitmap font; `y` is the top of the cap height.
    public mutating func text(_ text: String, x: Int, y: Int, scale: Int = 1, color: RGBColor = .text,
                              anchor: TextAnchor = .left) {
        let w = BitmapFont.width(of: text, scale: scale)
        var pen: Int
        switch anchor {
        case .left: pen = x
        case .centre: pen = x - w / 2
        case .right: pen = x - w
        }
        for character in text {
            for (r, bits) in BitmapFont.rows(of: character).enumerated() {
                for c in 0..<5 where (bits >> UInt8(4 - c)) & 1 == 1 {
                    fill(x: pen + c * scale, y: y + r * scale, width: scale, height: scale, color)
                }
            }
            pen += BitmapFont.advance * scale
        }
    }

    /// Draws `text` rotated 90° counter-clockwise (reading bottom to top), centred on (x, y)
    /// vertically; `x` is the left edge of the rotated cap height.
    public mutating func verticalText(_ text: String, x: Int, centreY: Int, scale: Int = 1, color: RGBColor = .text) {
        let w = BitmapFont.width(of: text, scale: scale)
        var pen = centreY + w / 2
        for character in text {
            for (r, bits) in BitmapFont.rows(of: character).enumerated() {
                for c in 0..<5 where (bits >> UInt8(4 - c)) & 1 == 1 {
                    // Glyph pixel (column c, row r) → image (x + r, pen − c).
                    fill(x: x + r * scale, y: pen - (c + 1) * scale, width: scale, height: scale, color)
                }
            }
            pen -= BitmapFont.advance * scale
        }
    }
}

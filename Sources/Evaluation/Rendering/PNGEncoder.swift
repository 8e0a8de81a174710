/// Encodes 8-bit RGB images as PNG: per-row adaptive filtering (None/Sub/Up/Paeth, smallest
/// sum of absolute residuals), our own zlib stream, CRC-32 per chunk.
public enum PNGEncoder {
    /// PNG bytes of `image`.
    public static func encode(_ image: RGBImage) -> [UInt8] {
        let w = image.width, h = image.height, stride = w * 3
        var raw = [UInt8]()
        raw.reserveCapacity((stride + 1) * h)
        var candidate = [UInt8](repeating: 0, count: stride)
        var best = [UInt8](repeating: 0, count: stride)
        image.pixels.withUnsafeBufferPointer { px in
            for y in 0..<h {
                let row = y * stride, up = (y - 1) * stride
                var bestScore = Int.max, bestFilter: UInt8 = 0
                for filter in UInt8(0)...UInt8(4) where filter != 3 {
                    var score = 0
                    for i in 0..<stride {
                        let x = px[row + i]
                        let a = i >= 3 ? px[row + i - 3] : 0
                        let b = y > 0 ? px[up + i] : 0
                        let c = (i >= 3 && y > 0) ? px[up + i - 3] : 0
                        let predicted: UInt8
                        switch filter {
                        case 0: predicted = 0
                        case 1: predicted = a
                        case 2: predicted = b
                        default: predicted = paeth(a, b, c)
                        }
                        let v = x &- predicted
                        candidate[i] = v
                        score += v < 128 ? Int(v) : 256 - Int(v)
                    }
                    if score < bestScore { bestScore = score; bestFilter = filter; swap(&best, &candidate) }
                }
                raw.append(bestFilter)
                raw.append(contentsOf: best)
            }
        }
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header = [UInt8]()
        header += bigEndian(UInt32(w)) + bigEndian(UInt32(h))
        header += [8, 2, 0, 0, 0]  // 8 bits, truecolour RGB, deflate, adaptive filtering, no interlace
        appendChunk("IHDR", header, to: &out)
        appendChunk("IDAT", Deflate.zlibCompress(raw), to: &out)
        appendChunk("IEND", [], to: &out)
        return out
    }

    @inline(__always) static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        out += bigEndian(UInt32(data.count))
        out += typeBytes
        out += data
        out += bigEndian(Checksums.crc32(data, continuing: Checksums.crc32(typeBytes)))
    }
}

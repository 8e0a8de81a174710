import Evaluation
import Foundation
import Testing

/// The PNG encoder checked by an independent decoder: Python's zlib for the deflate stream and a
/// hand-written chunk parser and unfilter (no Pillow needed).
@Suite struct PNGTests {
    static let decoder = """
    import sys, zlib, struct
    data = open(sys.argv[1], 'rb').read()
    expected = open(sys.argv[2], 'rb').read()
    assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'signature'
    pos, idat, w = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc, = struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])
        assert zlib.crc32(kind + body) & 0xffffffff == crc, 'crc of ' + kind.decode()
        if kind == b'IHDR':
            w, h, depth, ctype, comp, filt, inter = struct.unpack('>IIBBBBB', body)
            assert (depth, ctype, comp, filt, inter) == (8, 2, 0, 0, 0)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    assert kind == b'IEND'
    raw = zlib.decompress(idat)
    stride = 3 * w
    assert len(raw) == h * (stride + 1), 'raw size'
    out, prev = bytearray(), bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            if f == 0: p = 0
            elif f == 1: p = a
            elif f == 2: p = b
            elif f == 3: p = (a + b) // 2
            else:
                q = a + b - c
                pa, pb, pc = abs(q - a), abs(q - b), abs(q - c)
                p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[i] = (line[i] + p) & 255
        out += line
        prev = line
    assert bytes(out) == expected, 'pixels differ'
    print(w, h, len(data))
    """

    func roundTrip(_ image: RGBImage, name: String) throws {
        let py = try PythonReference()
        defer { py.cleanup() }
        let png = try py.write(name + ".png", bytes: image.pngData())
        let raw = try py.write(name + ".rgb", bytes: image.pixels)
        let out = try py.run(Self.decoder, [png, raw])
        #expect(out.count == 3 && Int(out[0]) == image.width && Int(out[1]) == image.height, "decoder said \(out)")
    }

    @Test func noiseAndFlatImagesDecode() throws {
        var rng = SeededGenerator(seed: 11)
        var noisy = RGBImage(width: 37, height: 23)
        for i in noisy.pixels.indices { noisy.pixels[i] = UInt8(truncatingIfNeeded: rng.next()) }
        try roundTrip(noisy, name: "noise")
        try roundTrip(RGBImage(width: 700, height: 90, background: RGBColor(12, 200, 99)), name: "flat")
        var stripes = RGBImage(width: 300, height: 200)
        for y in 0..<200 { for x in 0..<300 { stripes.set(x, y, RGBColor(UInt8(x % 7 * 30), UInt8(y % 13 * 19), UInt8((x * y) % 256))) } }
        try roundTrip(stripes, name: "stripes")
    }

    @Test func renderedFiguresDecode() throws {
        let grid = try LatLonGrid.global(nlat: 24, nlon: 48)
        let field = TestFields.make(members: 1, times: 1, grid: grid, seed: 3)
        let map = try MapRenderer().render(field: field, grid: grid, title: "tas mean 2091-2100", units: "K",
                                           style: .sequential(.viridis))
        try roundTrip(map, name: "map")
        var plot = TimeSeriesPlot(title: "global mean", yLabel: "K")
        plot.lines = [SeriesLine(x: [1850, 1900, 2000, 2100], y: [0, 0.2, 1, 3], color: .black, label: "truth")]
        plot.bands = [SeriesBand(x: [2015, 2100], lower: [0.5, 2], upper: [1.5, 4], color: RGBColor(hex: 0x2166AC), label: "5-95 %")]
        try roundTrip(plot.render(), name: "series")
    }

    @Test func checksumsMatchZlib() throws {
        var rng = SeededGenerator(seed: 5)
        let bytes = (0..<100_000).map { _ in UInt8(truncatingIfNeeded: rng.next() % 17) }
        let py = try PythonReference()
        defer { py.cleanup() }
        let path = try py.write("bytes", bytes: bytes)
        let out = try py.run("import sys, zlib; d = open(sys.argv[1], 'rb').read(); print(zlib.crc32(d), zlib.adler32(d))", [path])
        #expect(out == [Double(Checksums.crc32(bytes)), Double(Checksums.adler32(bytes))])
        #expect(Checksums.crc32(Array("123456789".utf8)) == 0xCBF4_3926)  // the standard check value
    }
}

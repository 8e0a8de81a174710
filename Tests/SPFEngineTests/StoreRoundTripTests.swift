import Foundation
import SPFEngine
import Testing

/// A fresh temporary directory for one test (removed by the caller with `defer`).
func storeTemporaryDirectory(_ label: String = #function) throws -> URL {
    let name = "spfflow-store-test-\(label.filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString.prefix(8))"
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A smooth, climate-like float32 field [t, lat, lon] with noise, deterministic in `seed`.
func storeTestField(t: Int, lat: Int, lon: Int, seed: UInt64 = 1) -> [Float] {
    var state = seed
    var values = [Float](repeating: 0, count: t * lat * lon)
    for i in 0..<t {
        for j in 0..<lat {
            for k in 0..<lon {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let noise = Float(Double(state >> 40) / Double(1 << 24) - 0.5)
                let phi = Float(j) / Float(max(1, lat - 1)) * .pi - .pi / 2
                values[(i * lat + j) * lon + k] = 288 + 30 * cos(phi) + 5 * sin(Float(i) * 0.52) + 0.3 * noise
            }
        }
    }
    return values
}

@Suite struct StoreRoundTripTests {
    @Test func allTypesRoundTripBitExact() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("o.h5")
        var floats = storeTestField(t: 37, lat: 9, lon: 13)
        floats[5] = .nan
        floats[6] = -0.0
        floats[7] = .infinity
        floats[4000] = .leastNonzeroMagnitude
        let doubles = (0..<1001).map { Double($0) * 1e-3 + sin(Double($0)) * 1e300 } + [Double.nan, -Double.infinity]
        let ints32 = (0..<777).map { Int32(truncatingIfNeeded: $0 &* 2_654_435_761) }
        let ints64 = (0..<555).map { Int64($0) &* 0x7fff_ffff_ffff } + [Int64.min, Int64.max]
        // Small chunks so edge chunks and several batches occur.
        let writer = try ObjectWriter(creating: url, options: ObjectWriterOptions(threads: 3, targetChunkBytes: 512))
        try writer.write("tas", shape: [floats.count / 13, 13], values: floats)
        try writer.write("d", shape: [doubles.count], values: doubles)
        try writer.write("i32", shape: [7, 111], values: ints32)
        try writer.write("i64", shape: [ints64.count, 1, 1], values: ints64)
        try writer.write("scalar", shape: [], values: [Float(3.5)])
        try writer.write("empty", shape: [0, 4], values: [Double]())
        try writer.setAttribute("note", "héllo ✓ \"json\": {}")
        let digests = try writer.close()
        #expect(digests.datasets.count == 6)

        let object = try StoredObject(url: url)
        #expect(object.datasetNames == ["d", "empty", "i32", "i64", "scalar", "tas"])
        #expect(object.attribute("note") == "héllo ✓ \"json\": {}")
        let tas = try object.readFloats("tas")
        #expect(tas.shape == [floats.count / 13, 13])
        #expect(tas.values.map(\.bitPattern) == floats.map(\.bitPattern))
        #expect(try object.readDoubles("d").values.map(\.bitPattern) == doubles.map(\.bitPattern))
        #expect(try object.readInt32s("i32").values == ints32)
        #expect(try object.readInt64s("i64").values == ints64)
        #expect(try object.readInt64s("i64").shape == [ints64.count, 1, 1])
        #expect(try object.readFloats("scalar").values == [3.5])
        #expect(try object.shape(of: "scalar") == [])
        #expect(try object.readDoubles("empty").shape == [0, 4])
        #expect(try object.elementType(of: "i32") == .int32)
        // Slab reads along axis 0, across chunk boundaries.
        let rows = try object.readFloats("tas", rows: 5..<29)
        #expect(rows.shape == [24, 13])
        #expect(rows.values.map(\.bitPattern) == floats[(5 * 13)..<(29 * 13)].map(\.bitPattern))
        #expect(throws: StoreError.self) { try object.readFloats("tas", rows: 0..<10_000) }
        #expect(throws: StoreError.self) { try object.readFloats("nope") }
        // Recomputing the digests from decoded data gives what was computed while writing.
        #expect(try object.computeDigests() == digests.datasets)
    }

    @Test func streamingWriterMatchesOneShotAndDigestIsStable() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let field = storeTestField(t: 50, lat: 8, lon: 16, seed: 7)
        let options = ObjectWriterOptions(threads: 2, targetChunkBytes: 2048)
        let one = try ObjectWriter(creating: dir.appendingPathComponent("one.h5"), options: options)
        try one.write("x", shape: [50, 8, 16], values: field)
        let a = try one.close()

        // Streamed in uneven row batches with a different thread count.
        let streamed = try ObjectWriter(creating: dir.appendingPathComponent("two.h5"),
                                        options: ObjectWriterOptions(threads: 1, targetChunkBytes: 2048))
        let ds = try streamed.beginDataset("x", of: Float.self, shape: [50, 8, 16])
        var row = 0
        for batch in [1, 3, 0, 17, 2, 27] {
            try ds.append(Array(field[(row * 128)..<((row + batch) * 128)]))
            row += batch
        }
        #expect(throws: StoreError.self) { try ds.append([Float](repeating: 0, count: 5)) }
        try ds.finish()
        let b = try streamed.close()
        #expect(a.datasets == b.datasets)
        #expect(a.combined == b.combined)
        let back = try StoredObject(url: dir.appendingPathComponent("two.h5")).readFloats("x")
        #expect(back.values.map(\.bitPattern) == field.map(\.bitPattern))

        // Whole batches, then the last rows and a partial batch in one call: encoded from the caller's memory
        // without staging (a batch is 4 chunks of 4 rows here), the same chunks and digests.
        let direct = try ObjectWriter(creating: dir.appendingPathComponent("direct.h5"), options: options)
        let dd = try direct.beginDataset("x", of: Float.self, shape: [50, 8, 16])
        try dd.append(Array(field[0..<(16 * 128)]))
        try dd.append(Array(field[(16 * 128)...]))
        try dd.finish()
        #expect(try direct.close().combined == a.combined)
        #expect(try StoredObject(url: dir.appendingPathComponent("direct.h5")).readFloats("x").values.map(\.bitPattern)
                    == field.map(\.bitPattern))

        // A different value changes the digest; a different compression level does not.
        var changed = field
        changed[1000] = changed[1000].nextUp
        let c = try ObjectWriter(creating: dir.appendingPathComponent("three.h5"), options: options)
        try c.write("x", shape: [50, 8, 16], values: changed)
        #expect(try c.close().combined != a.combined)
        let d = try ObjectWriter(creating: dir.appendingPathComponent("four.h5"),
                                 options: ObjectWriterOptions(level: 9, threads: 2, targetChunkBytes: 2048))
        try d.write("x", shape: [50, 8, 16], values: field)
        #expect(try d.close().combined == a.combined)
    }

    @Test func unfinishedStreamingDatasetBlocksClose() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let writer = try ObjectWriter(creating: dir.appendingPathComponent("u.h5"))
        let ds = try writer.beginDataset("x", of: Double.self, shape: [10, 2])
        try ds.append([Double](repeating: 1, count: 8))
        #expect(throws: StoreError.self) { try ds.finish() }  // 4 of 10 rows
        #expect(throws: StoreError.self) { try writer.close() }
        #expect(throws: StoreError.self) { try writer.write("x", shape: [1], values: [1.0]) }  // name taken
        #expect(throws: StoreError.self) { try writer.write("y", shape: [3], values: [1.0]) }  // count mismatch
    }
}

@Suite struct StoreShuffleTests {
    /// The SIMD shuffle/unshuffle paths agree with the byte-plane definition for every size and tail.
    @Test(arguments: [4, 8])
    func shuffleMatchesDefinition(elementSize: Int) throws {
        for count in [0, 1, 15, 16, 17, 63, 64, 1000, 4099] {
            let bytes = (0..<(count * elementSize)).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 7) }
            var expected = [UInt8](repeating: 0, count: bytes.count)
            for i in 0..<count { for b in 0..<elementSize { expected[b * count + i] = bytes[i * elementSize + b] } }
            var shuffled = [UInt8](repeating: 0, count: bytes.count)
            var back = [UInt8](repeating: 0, count: bytes.count)
            bytes.withUnsafeBytes { s in shuffled.withUnsafeMutableBytes { d in
                ChunkShuffle.shuffle(s.baseAddress, d.baseAddress, count: count, elementSize: elementSize) } }
            #expect(shuffled == expected)
            shuffled.withUnsafeBytes { s in back.withUnsafeMutableBytes { d in
                ChunkShuffle.unshuffle(s.baseAddress, d.baseAddress, count: count, elementSize: elementSize) } }
            #expect(back == bytes)
        }
    }
}

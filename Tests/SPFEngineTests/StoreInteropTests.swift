import Foundation
import SPFEngine
import Testing

/// Interop with h5py + hdf5plugin (installed by `make test-deps`), both directions, bit-exact.
@Suite struct StoreInteropTests {
    /// The Python helper: `write DIR` makes h5py files plus raw little-endian dumps of their data;
    /// `read FILE DIR` dumps every dataset of FILE (read through hdf5plugin) and its filters as JSON.
    static let script = #"""
import json, os, sys
import numpy as np
import h5py, hdf5plugin

def dump(name, arr, out):
    a = np.ascontiguousarray(arr)
    a.astype(a.dtype.newbyteorder('<')).tofile(os.path.join(out, name.replace('/', '__') + '.bin'))

mode = sys.argv[1]
if mode == 'write':
    out = sys.argv[2]
    rng = np.random.default_rng(5)
    t = np.arange(30, dtype=np.float32)[:, None, None]
    lat = np.linspace(-1.5, 1.5, 17, dtype=np.float32)[None, :, None]
    lon = np.linspace(0, 6.2, 23, dtype=np.float32)[None, None, :]
    tas = (288 + 30 * np.cos(lat) + 5 * np.sin(0.5 * t + lon) + rng.normal(0, 0.3, (30, 17, 23))).astype(np.float32)
    data = {
        'tas': tas,
        'pr': rng.gamma(0.5, 2e-5, (40, 11)).astype(np.float64),
        'count': rng.integers(-2**31, 2**31 - 1, (64,), dtype=np.int32),
        'big': rng.integers(-2**62, 2**62, (9, 5), dtype=np.int64),
    }
    path = os.path.join(out, 'from_h5py.h5')
    with h5py.File(path, 'w') as f:
        f.create_dataset('tas', data=data['tas'], chunks=(7, 17, 23), shuffle=True, **hdf5plugin.Zstd(clevel=3))
        f.create_dataset('pr', data=data['pr'], chunks=(8, 5), shuffle=True, **hdf5plugin.Zstd(clevel=-5))
        f.create_dataset('count', data=data['count'], chunks=(10,), **hdf5plugin.Zstd(clevel=9))
        g = f.create_group('grp')
        g.create_dataset('big', data=data['big'], chunks=(4, 5), **hdf5plugin.Zstd())
        f.attrs['title'] = 'written by h5py'
        f.attrs['fixed'] = np.bytes_(b'fixed-length')
    for name, arr in data.items():
        dump(name, arr, out)
    print(path)
elif mode == 'read':
    path, out = sys.argv[2], sys.argv[3]
    meta = {'datasets': {}, 'attrs': {}}
    with h5py.File(path, 'r') as f:
        for k, v in f.attrs.items():
            meta['attrs'][k] = v.decode() if isinstance(v, bytes) else str(v)
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                dump(name, obj[()], out)
                filters = obj.id.get_create_plist()
                fl = []
                for i in range(filters.get_nfilters()):
                    code, flags, values, _ = filters.get_filter(i)
                    fl.append([int(code), int(flags), [int(x) for x in values]])
                meta['datasets'][name] = {'dtype': str(obj.dtype), 'shape': list(obj.shape), 'filters': fl}
        f.visititems(visit)
    print(json.dumps(meta))
"""#

    private func python() -> String { ProcessInfo.processInfo.environment["SPFFLOW_PYTHON"] ?? "python3" }

    private func run(_ arguments: [String], in dir: URL) throws -> String {
        let scriptURL = dir.appendingPathComponent("interop.py")
        try StoreInteropTests.script.write(to: scriptURL, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python(), scriptURL.path] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw StoreError(.io, "python helper failed (\(python()); needs h5py and hdf5plugin, see `make test-deps`): "
                             + String(decoding: errors, as: UTF8.self))
        }
        return String(decoding: output, as: UTF8.self)
    }

    private func raw<T: BitwiseCopyable>(_ url: URL, as: T.Type) throws -> [T] {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { Array($0.bindMemory(to: T.self)) }
    }

    @Test func spfflowFilesReadBitExactByH5py() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("spf.h5")
        let tas = storeTestField(t: 45, lat: 12, lon: 20, seed: 11)
        let doubles = (0..<3001).map { sin(Double($0) * 0.37) * 1e5 }
        let ints = (0..<999).map { Int32(truncatingIfNeeded: $0 &* 2_246_822_519) }
        let longs = (0..<300).map { Int64($0) &* -0x1234_5678_9abc }
        let writer = try ObjectWriter(creating: url, options: ObjectWriterOptions(threads: 2, targetChunkBytes: 4096))
        try writer.write("tas", shape: [45, 12, 20], values: tas)
        try writer.write("d", shape: [3001], values: doubles)
        try writer.write("i", shape: [9, 111], values: ints)
        try writer.write("l", shape: [300], values: longs)
        try writer.setAttribute("spfflow.kind", "test.kind")
        try writer.close()
        // Negative level and no shuffle, too.
        let url2 = dir.appendingPathComponent("neg.h5")
        let w2 = try ObjectWriter(creating: url2, options: ObjectWriterOptions(level: -5, shuffle: false))
        try w2.write("tas", shape: [45, 12, 20], values: tas)
        try w2.close()

        let out = dir.appendingPathComponent("dump")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let meta = try JSONSerialization.jsonObject(with: Data(try run(["read", url.path, out.path], in: dir).utf8)) as? [String: Any]
        let datasets = try #require(meta?["datasets"] as? [String: [String: Any]])
        #expect(Set(datasets.keys) == ["tas", "d", "i", "l"])
        #expect((meta?["attrs"] as? [String: String])?["spfflow.kind"] == "test.kind")
        let tasFilters = try #require(datasets["tas"]?["filters"] as? [[Any]])
        #expect(tasFilters.map { $0[0] as? Int } == [2, 32015])  // shuffle, then zstd
        #expect((tasFilters[1][2] as? [Int]) == [3])
        #expect((tasFilters[1][1] as? Int).map { $0 & 1 } == 1)  // OPTIONAL like hdf5plugin
        #expect(try raw(out.appendingPathComponent("tas.bin"), as: UInt32.self) == tas.map(\.bitPattern))
        #expect(try raw(out.appendingPathComponent("d.bin"), as: UInt64.self) == doubles.map(\.bitPattern))
        #expect(try raw(out.appendingPathComponent("i.bin"), as: Int32.self) == ints)
        #expect(try raw(out.appendingPathComponent("l.bin"), as: Int64.self) == longs)

        let meta2 = try JSONSerialization.jsonObject(with: Data(try run(["read", url2.path, out.path], in: dir).utf8)) as? [String: Any]
        let filters2 = try #require((meta2?["datasets"] as? [String: [String: Any]])?["tas"]?["filters"] as? [[Any]])
        #expect(filters2.map { $0[0] as? Int } == [32015])
        #expect((filters2[0][2] as? [Int]) == [Int(UInt32(bitPattern: -5))])  // two's complement
        #expect(try raw(out.appendingPathComponent("tas.bin"), as: UInt32.self) == tas.map(\.bitPattern))
    }

    @Test func h5pyFilesReadBitExactBySpfflow() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try run(["write", dir.path], in: dir).trimmingCharacters(in: .whitespacesAndNewlines)
        let object = try StoredObject(url: URL(fileURLWithPath: path))
        #expect(object.datasetNames == ["count", "grp/big", "pr", "tas"])
        #expect(object.attribute("title") == "written by h5py")
        #expect(object.attribute("fixed") == "fixed-length")
        let tas = try object.readFloats("tas")
        #expect(tas.shape == [30, 17, 23])
        #expect(tas.values.map(\.bitPattern) == (try raw(dir.appendingPathComponent("tas.bin"), as: UInt32.self)))
        #expect(try object.readDoubles("pr").values.map(\.bitPattern) == (try raw(dir.appendingPathComponent("pr.bin"), as: UInt64.self)))
        #expect(try object.readInt32s("count").values == (try raw(dir.appendingPathComponent("count.bin"), as: Int32.self)))
        #expect(try object.readInt64s("grp/big").values == (try raw(dir.appendingPathComponent("big.bin"), as: Int64.self)))
        // Slab reads through the chunked (non-store-layout) path agree with the full read.
        let rows = try object.readFloats("tas", rows: 6..<15)
        #expect(rows.values.map(\.bitPattern) == tas.values[(6 * 17 * 23)..<(15 * 17 * 23)].map(\.bitPattern))
        let prRows = try object.readDoubles("pr", rows: 7..<9)
        #expect(prRows.shape == [2, 11])
    }

    /// The registered filter's encoder (HDF5 runs it inside H5Dwrite, with negative and positive
    /// levels) makes frames that the store's own chunk decoder and h5py + hdf5plugin both read bit-exact.
    @Test(arguments: [3, -5, 19])
    func filterEncoderOutputReadEverywhere(level: Int) throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("filter.h5")
        let tas = storeTestField(t: 40, lat: 10, lon: 12, seed: 2)
        let stored = try FilterPipelineWriter.write(url, name: "tas", shape: [40, 10, 12], values: tas, chunkRows: 7, codec: .zstd(level))
        #expect(stored > 0 && stored < tas.count * 4)
        let back = try StoredObject(url: url).readFloats("tas")
        #expect(back.values.map(\.bitPattern) == tas.map(\.bitPattern))
        let out = dir.appendingPathComponent("dump")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let meta = try JSONSerialization.jsonObject(with: Data(try run(["read", url.path, out.path], in: dir).utf8)) as? [String: Any]
        let filters = try #require((meta?["datasets"] as? [String: [String: Any]])?["tas"]?["filters"] as? [[Any]])
        #expect((filters.last?[2] as? [Int]) == [Int(UInt32(bitPattern: Int32(level)))])
        #expect(try raw(out.appendingPathComponent("tas.bin"), as: UInt32.self) == tas.map(\.bitPattern))
    }
}

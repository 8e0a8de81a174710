import CH5Zstd
import CHDF5
import CZstd
import Foundation

/// Measurements behind `spfflow bench engine` (the store's figures). Every timing is the best of
/// `repeats` runs; files go under `directory`.
package struct StoreBenchmark {
    /// Results of the throughput comparisons.
    package struct Throughput {
        /// Bytes of raw float32 data.
        package var bytes: Int
        /// Seconds to write and commit the object through the cache.
        package var cacheWrite: Double
        /// Seconds to look up and read it back through the cache.
        package var cacheRead: Double
        /// Seconds for raw ZSTD_compress of the same bytes at the same level.
        package var zstdCompress: Double
        /// Seconds for raw ZSTD_decompress of that frame.
        package var zstdDecompress: Double
        /// Ratio (raw / stored) and seconds of shuffle+zstd through the HDF5 filter pipeline.
        package var pipelineZstd: (ratio: Double, seconds: Double)
        /// Ratio and seconds of shuffle+deflate 4 through the HDF5 filter pipeline.
        package var pipelineDeflate: (ratio: Double, seconds: Double)
    }

    /// Working directory (a cache is created in it).
    package var directory: URL
    /// zstd level.
    package var level = 3
    /// Timing repeats (best of).
    package var repeats = 3
    /// Target chunk size of the cache writer and of the pipeline comparison.
    package var targetChunkBytes = ObjectWriterOptions().targetChunkBytes

    /// Makes a benchmark in `directory`.
    package init(directory: URL) { self.directory = directory }

    /// A climate-like field of about `bytes` bytes: [steps, 192, 288] float32.
    package static func field(bytes: Int) -> (shape: [Int], values: [Float]) {
        let lat = 192, lon = 288
        let steps = max(1, bytes / (lat * lon * 4))
        let generator = ClimateFieldGenerator(lat: lat, lon: lon)
        var values: [Float] = []
        generator.next(steps, into: &values)
        return ([steps, lat, lon], values)
    }

    private func best(_ body: () throws -> Void) rethrows -> Double {
        var result = Double.infinity
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            result = min(result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return result
    }

    /// Cache write/read vs raw libzstd, and shuffle+zstd vs shuffle+deflate through HDF5's pipeline.
    package func throughput(bytes: Int) throws -> Throughput {
        let (shape, values) = StoreBenchmark.field(bytes: bytes)
        let rawBytes = values.count * 4
        let store = try ObjectStore(root: directory.appendingPathComponent("cache"))
        let options = ObjectWriterOptions(level: level, targetChunkBytes: targetChunkBytes)
        var counter = 0
        var lastKey = ""
        let write = try best {
            counter += 1
            lastKey = SHA256.hex(of: "bench-\(counter)-\(UUID().uuidString)")
            try store.writeObject(key: lastKey, options: options) { try $0.write("tas", shape: shape, values: values) }
        }
        var checksum: Float = 0
        let read = try best {
            guard let object = store.open(lastKey) else { throw StoreError(.notFound, "benchmark object vanished") }
            let back = try object.readFloats("tas")
            checksum += back.values[back.values.count / 2]
        }
        guard checksum.isFinite else { throw StoreError(.corrupt, "benchmark read back non-finite data") }

        let bound = ZSTD_compressBound(rawBytes)
        let frame = UnsafeMutableRawPointer.allocate(byteCount: bound, alignment: 64)
        let decoded = UnsafeMutableRawPointer.allocate(byteCount: rawBytes, alignment: 64)
        defer { frame.deallocate(); decoded.deallocate() }
        var frameSize = 0
        let compress = try values.withUnsafeBytes { source in
            try best {
                frameSize = ZSTD_compress(frame, bound, source.baseAddress, rawBytes, Int32(level))
                if ZSTD_isError(frameSize) != 0 { throw StoreError(.codec, "ZSTD_compress failed") }
            }
        }
        let decompress = try best {
            let n = ZSTD_decompress(decoded, rawBytes, frame, frameSize)
            if n != rawBytes { throw StoreError(.codec, "ZSTD_decompress failed") }
        }
        let zstd = try pipelineWrite(shape: shape, values: values, deflate: false)
        let deflate = try pipelineWrite(shape: shape, values: values, deflate: true)
        return Throughput(bytes: rawBytes, cacheWrite: write, cacheRead: read, zstdCompress: compress,
                          zstdDecompress: decompress, pipelineZstd: zstd, pipelineDeflate: deflate)
    }

    /// Writes through HDF5's own filter pipeline (H5Dwrite, one thread): shuffle + zstd `level` or
    /// shuffle + deflate 4, chunks of whole rows as the cache writer makes them. Returns (raw / stored bytes, best seconds).
    private func pipelineWrite(shape: [Int], values: [Float], deflate: Bool) throws -> (ratio: Double, seconds: Double) {
        let url = directory.appendingPathComponent(deflate ? "deflate.h5" : "zstd.h5")
        let rows = ObjectWriterOptions(targetChunkBytes: targetChunkBytes).chunkRows(shape: shape, type: .float32)
        var storage = 0
        let seconds = try best {
            storage = try FilterPipelineWriter.write(url, name: "tas", shape: shape, values: values, chunkRows: rows,
                                                     codec: deflate ? .deflate(4) : .zstd(level))
        }
        FileTree.remove(url)
        return (Double(values.count * 4) / Double(max(1, storage)), seconds)
    }

    /// Streams about `bytes` bytes of the climate field through the cache's streaming writer (one time
    /// step at a time) and commits it; returns this process's peak resident bytes afterwards.
    package func streamingWritePeakRSS(bytes: Int) throws -> Int64 {
        let store = try ObjectStore(root: directory.appendingPathComponent("cache"))
        let lat = 192, lon = 288
        let steps = max(1, bytes / (lat * lon * 4))
        let generator = ClimateFieldGenerator(lat: lat, lon: lon)
        var block: [Float] = []
        let key = SHA256.hex(of: "rss-\(bytes)-\(UUID().uuidString)")
        try store.writeObject(key: key, options: ObjectWriterOptions(level: level, targetChunkBytes: targetChunkBytes)) { writer in
            let dataset = try writer.beginDataset("tas", of: Float.self, shape: [steps, lat, lon])
            var done = 0
            while done < steps {
                let n = min(4, steps - done)
                generator.next(n, into: &block)
                try dataset.append(block)
                done += n
            }
            try dataset.finish()
        }
        let peak = ProcessIdentity.peakResidentBytes
        try store.delete(key, reason: "benchmark")
        return peak
    }
}

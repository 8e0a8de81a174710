import ArgumentParser
import CommandSupport
import Foundation
import SPFEngine

/// `spfflow bench engine`: the engine and store figures, each as `figure <name> = <value> <unit>`.
struct BenchEngine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Cache throughput vs raw zstd, zstd vs deflate, streaming-writer memory, engine overheads.")

    @Option(name: .long, help: "Working directory (default: a fresh temporary directory, removed afterwards).")
    var workdir: String?

    @Option(name: .long, help: "Megabytes of float32 field for the throughput figures.")
    var megabytes: Int = 200

    @Option(name: .long, help: "Megabytes written by the large streaming write (memory figure).")
    var largeMegabytes: Int = 2000

    @Option(name: .long, help: "Target chunk size in KiB (default: the store's default).")
    var chunkKib: Int?

    @Option(name: .long, help: .hidden)
    var rssChildBytes: Int?

    func run() throws {
        if rssChildBytes == nil { try CommandKinds.requireTestKinds(for: "spfflow bench engine") }
        let directory = workdir.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-bench-engine-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // try?: the benchmark's scratch folder
        defer { if workdir == nil { try? FileManager.default.removeItem(at: directory) } }
        var bench = StoreBenchmark(directory: directory)
        if let chunkKib { bench.targetChunkBytes = max(1, chunkKib) * 1024 }

        if let bytes = rssChildBytes {
            // Child mode: one streaming write in a fresh process, so peak RSS is this write's alone.
            print("peak_rss_bytes \(try bench.streamingWritePeakRSS(bytes: bytes))")
            return
        }

        // Memory first, in child processes, before this process holds the big field.
        let small = try childPeakRSS(bytes: megabytes * 1_000_000, directory: directory)
        let large = try childPeakRSS(bytes: largeMegabytes * 1_000_000, directory: directory)

        let t = try bench.throughput(bytes: megabytes * 1_000_000)
        let mb = Double(t.bytes) / 1e6
        figure("cache_write_vs_zstd", (mb / t.cacheWrite) / (mb / t.zstdCompress), "x")
        figure("cache_read_vs_zstd", (mb / t.cacheRead) / (mb / t.zstdDecompress), "x")
        figure("zstd_vs_deflate_ratio", t.pipelineZstd.ratio / t.pipelineDeflate.ratio, "x")
        figure("zstd_vs_deflate_speed", t.pipelineDeflate.seconds / t.pipelineZstd.seconds, "x")
        note("cache write \(rate(mb, t.cacheWrite)) (incl. digest, fsync, commit), raw ZSTD_compress \(rate(mb, t.zstdCompress)); "
             + "cache read \(rate(mb, t.cacheRead)), raw ZSTD_decompress \(rate(mb, t.zstdDecompress))")
        note("HDF5 pipeline, 1 thread: shuffle+zstd\(bench.level) ratio \(String(format: "%.3f", t.pipelineZstd.ratio)) at \(rate(mb, t.pipelineZstd.seconds)); "
             + "shuffle+deflate4 ratio \(String(format: "%.3f", t.pipelineDeflate.ratio)) at \(rate(mb, t.pipelineDeflate.seconds))")

        figure("write_peak_rss_ratio", Double(large) / Double(small), "x")
        note("peak RSS streaming \(largeMegabytes) MB: \(formatBytes(large)); \(megabytes) MB: \(formatBytes(small))")

        // The engine's scheduling figures (cached_rerun_1000_s, plan_10000_s).
        try EngineBenchFigures.run(work: directory.appendingPathComponent("engine"))
    }

    private func childPeakRSS(bytes: Int, directory: URL) throws -> Int64 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        if !FileManager.default.isExecutableFile(atPath: process.executableURL?.path ?? "") {
            process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        }
        process.arguments = ["bench", "engine", "--workdir", directory.path, "--rss-child-bytes", String(bytes)]
            + (chunkKib.map { ["--chunk-kib", String($0)] } ?? [])
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let line = output.split(separator: "\n").first(where: { $0.hasPrefix("peak_rss_bytes ") }),
              let value = Int64(line.dropFirst("peak_rss_bytes ".count)) else {
            throw ValidationError("memory benchmark child failed (status \(process.terminationStatus)): \(output)")
        }
        return value
    }

    private func rate(_ megabytes: Double, _ seconds: Double) -> String {
        String(format: "%.0f MB/s", megabytes / seconds)
    }

    private func figure(_ name: String, _ value: Double, _ unit: String) {
        print("figure \(name) = \(String(format: "%.4f", value)) \(unit)")
    }

    private func note(_ text: String) { print("# \(text)") }
}

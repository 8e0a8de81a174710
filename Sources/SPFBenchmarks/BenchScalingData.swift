import Dispatch
import Foundation
import Pipelines
import SPFEngine
import SPFModel
import TensorCore

/// The data-streaming measurement of `spfflow bench scaling`: training peak resident memory on a stored shard
/// set and on one ten times larger (more runs, the same grid, model, batch and data cache), each trained in its
/// own child process with its fields streaming from the shards (or, for comparison, all read into memory as
/// before streaming).
enum ScalingData {
    /// Global forcing channels of the synthetic shards.
    static let forcings = 6

    /// Writes `shards` shards of `runsPerShard` synthetic runs of `years` years each at `grid` into `directory`
    /// (`spf.shards`' layout, the store's default chunks); returns the bytes of fields they hold.
    static func writeShards(_ grid: ScalingGrid, shards: Int, runsPerShard: Int, years: Int, into directory: URL) throws -> Int {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var bytes = 0
        for s in 0..<shards {
            let url = directory.appendingPathComponent(String(format: "shard-%04d.h5", s))
            let writer = try ObjectWriter(url: url, filesDirectory: URL(fileURLWithPath: url.path + ".files"), options: ObjectWriterOptions())
            try ShardTrainingRuns.write(to: writer, sourceID: "ESM-A", variables: ["tas", "pr"], forcingNames: (0..<forcings).map { "f\($0)" },
                                        lat: (0..<grid.height).map { -90 + 180 * (Double($0) + 0.5) / Double(grid.height) },
                                        lon: (0..<grid.width).map { 360 * Double($0) / Double(grid.width) }, count: runsPerShard) { i in
                let run = try ScalingTraining.syntheticRun(height: grid.height, width: grid.width, years: years,
                                                           seed: UInt64(1000 + s * runsPerShard + i))
                bytes += run.fields.count * MemoryLayout<Float>.stride
                return .init(experiment: "historical", member: "r\(s * runsPerShard + i + 1)i1p1f1", startYear: run.startYear,
                             months: run.months, fields: run.fields, forcing: run.forcing.global)
            }
            _ = try writer.close()
        }
        return bytes
    }

    /// Child mode: trains `warmup + steps` steps on the shards in `directory` and prints
    /// `child step_ms=… peak_rss_kib=… cached_mib=… runs=…`.
    static func runChild(directory: URL, grid: ScalingGrid, model: String, batch: Int, steps: Int, warmup: Int, threads: Int,
                         cacheMiB: Int, inMemory: Bool) throws {
        // As spf.train runs under the node runner.
        FreedMemory.mapLargeBuffers()
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".h5") }.sorted()
        let objects = try files.map { try StoredObject(url: directory.appendingPathComponent($0), threads: threads) }
        let runs = try ShardTrainingRuns.read(objects, sources: ["ESM-A"], experiments: nil, streaming: !inMemory, node: "bench")
        let (c, p) = try ScalingTraining.configuration(grid, model: model)
        // Unit statistics: the synthetic fields are O(1) already, and fitting would read the whole set.
        let norm = Normalizer(fieldMean: [0, 0], fieldStd: [1, 1], griddedMean: [], griddedStd: [],
                              globalMean: [Float](repeating: 0, count: forcings), globalStd: [Float](repeating: 1, count: forcings))
        let tc = TrainingConfig(steps: warmup + steps, batchSize: batch, learningRate: 1e-3, warmupSteps: 1, seed: 5)
        let trainer = try Trainer(model: c, pyramid: p, training: tc, runs: runs, normalizer: norm, threads: threads,
                                  dataCacheBytes: inMemory ? nil : cacheMiB << 20)
        for _ in 0..<warmup { try trainer.trainStep() }
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<steps { try trainer.trainStep() }
        let ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6 / Double(steps)
        print("child step_ms=\(ms) peak_rss_kib=\(BenchChildProcess.status("VmHWM")) cached_mib=\(Double(trainer.cachedDataBytes) / 1048576) runs=\(runs.count)")
    }
}

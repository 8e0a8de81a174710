import Foundation
import Pipelines
import SPFEngine
import SPFModel
import TensorCore
import Testing

/// `spf.train` streams its fields from the stored shards (hyperslabs of the chunked zstd datasets) through a
/// cache of `data_cache_mib`: the same seed gives the same weights, bit for bit, whether the cache holds the
/// whole data set, almost nothing, or the fields are all in memory.
@Suite struct StreamingTrainingTests {
    static let height = 16, width = 32, forcings = 3

    /// A shard of three runs (12, 20 and 12 years) stored in chunks of 16 months (blocks that do not align with
    /// years or windows), and a normaliser with a per-cell seasonal climatology fitted on it.
    static func shard(in directory: URL) throws -> (StoredObject, Normalizer) {
        let url = directory.appendingPathComponent("shard.h5")
        let writer = try ObjectWriter(url: url, filesDirectory: directory.appendingPathComponent("shard.h5.files"),
                                      options: ObjectWriterOptions(targetChunkBytes: 16 * 2 * height * width * 4))
        let years = [12, 20, 12]
        try ShardTrainingRuns.write(to: writer, sourceID: "ESM-A", variables: ["tas", "pr"], forcingNames: ["co2", "ch4", "so2"],
                                    lat: (0..<height).map { -84.375 + 11.25 * Double($0) },
                                    lon: (0..<width).map { 11.25 * Double($0) }, count: years.count) { i in
            let months = years[i] * 12
            var rng = RandomStream(seed: 40 + UInt64(i))
            var fields = rng.normals(count: months * 2 * height * width)
            for m in 0..<months {
                for k in 0..<(2 * height * width) { fields[m * 2 * height * width + k] += Float(m % 12) * 0.3 + Float(m) / 200 }
            }
            let forcing = (0..<(months * forcings)).map { Float($0 / forcings) / Float(months) * Float($0 % forcings + 1) }
            return .init(experiment: i == 1 ? "historical" : "ssp245", member: "r\(i + 1)i1p1f1", startYear: i == 1 ? 1990 : 2010,
                         months: months, fields: fields, forcing: forcing)
        }
        _ = try writer.close()
        let object = try StoredObject(url: url)
        let inMemory = try ShardTrainingRuns.read([object], sources: ["ESM-A"], experiments: nil, streaming: false, node: "test")
        let norm = try Normalizer.fit(runs: inMemory, channels: 2, climatologySources: ["ESM-A"])
        return (object, norm)
    }

    static func train(_ runs: [TrainingRun], _ norm: Normalizer, cacheBytes: Int?) throws -> Trainer {
        let p = PyramidConfig.decadalYearlyMonthly(height: height, width: width, variables: ["tas", "pr"])
        let cfg = try MMDiTConfig.preset("tiny", pyramid: p, patchSize: 4, forcingPatchSize: 4, griddedForcingChannels: 0,
                                         globalForcingChannels: forcings, sources: 1)
        let trainer = try Trainer(model: cfg, pyramid: p, training: TrainingConfig(steps: 4, batchSize: 6, seed: 11), runs: runs,
                                  normalizer: norm, threads: 2, dataCacheBytes: cacheBytes)
        try trainer.train()
        return trainer
    }

    static func weightBytes(_ trainer: Trainer) -> [String: Data] {
        trainer.exportArrays().mapValues { a in a.values.withUnsafeBytes { Data($0) } }
    }

    @Test func sameWeightsWhateverTheDataCache() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spf-streaming-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (object, norm) = try Self.shard(in: dir)
        #expect(try object.chunkRows(of: "fields_1") == 16)
        #expect(try ShardFieldReader(object: object, dataset: "fields_1").blockMonths == 16)
        let streamed = try ShardTrainingRuns.read([object], sources: ["ESM-A"], experiments: nil, streaming: true, node: "test")
        #expect(streamed.allSatisfy { $0.streams && $0.fields.isEmpty })
        let inMemory = try ShardTrainingRuns.read([object], sources: ["ESM-A"], experiments: nil, streaming: false, node: "test")

        let everything = try Self.train(streamed, norm, cacheBytes: 64 << 20)
        let almostNothing = try Self.train(streamed, norm, cacheBytes: 1)
        let memory = try Self.train(inMemory, norm, cacheBytes: nil)
        // The caches really differed: one kept blocks (not the whole 44 years: only those the steps read), one none.
        #expect(everything.cachedDataBytes > 0)
        #expect(almostNothing.cachedDataBytes == 0)
        let reference = Self.weightBytes(memory)
        #expect(!reference.isEmpty)
        #expect(Self.weightBytes(everything) == reference)
        #expect(Self.weightBytes(almostNothing) == reference)
    }

    @Test func streamingWithoutNormalisationIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spf-streaming-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (object, _) = try Self.shard(in: dir)
        let streamed = try ShardTrainingRuns.read([object], sources: ["ESM-A"], experiments: nil, streaming: true, node: "test")
        let p = PyramidConfig.decadalYearlyMonthly(height: Self.height, width: Self.width, variables: ["tas", "pr"])
        let cfg = try MMDiTConfig.preset("tiny", pyramid: p, patchSize: 4, forcingPatchSize: 4, griddedForcingChannels: 0,
                                         globalForcingChannels: Self.forcings, sources: 1)
        #expect(throws: SPFModelError.self) {
            _ = try Trainer(model: cfg, pyramid: p, training: TrainingConfig(steps: 1, batchSize: 2, seed: 1), runs: streamed)
        }
    }
}

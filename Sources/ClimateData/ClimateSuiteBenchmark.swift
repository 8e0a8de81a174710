import Foundation

/// The generator throughput benchmark behind `figure generator_model_years_per_s`: simulated
/// model-years of monthly tas + pr per second of wall time, at the default grid scale, written
/// as CMIP6 netCDF exactly as `climate.generate-suite` does (generation + compression + files).
public enum ClimateSuiteBenchmark {
    /// The result of one measurement.
    public struct Result: Sendable {
        /// Model-years generated and written.
        public var modelYears: Int
        /// Wall time, s.
        public var seconds: Double
        /// Bytes of netCDF written.
        public var bytes: Int
        /// Model-years per second.
        public var modelYearsPerSecond: Double { Double(modelYears) / seconds }
    }

    /// The benchmark configuration: every model, one member, historical + ssp245, default scale.
    public static func configuration(members: Int = 1) -> ClimateSuiteConfiguration {
        ClimateSuiteConfiguration(experiments: ["historical", "ssp245"], members: members,
                                  gridScale: ClimateSuiteConfiguration.standard.gridScale, seed: 1)
    }

    /// Generates and writes `configuration` into a temporary directory (deleted afterwards)
    /// on `threads` threads and times it.
    public static func measure(_ configuration: ClimateSuiteConfiguration = configuration(), forcing: RCMIPForcingData,
                               threads: Int) throws -> Result {
        let simulator = try ClimateSuiteSimulator(configuration: configuration, forcing: forcing)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-bench-generator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // try?: the benchmark's scratch folder
        defer { try? FileManager.default.removeItem(at: dir) }
        let writer = ClimateSuiteWriter(root: dir, softwareVersion: "bench")
        let bytes = ByteCounter()
        let start = Date()
        try simulator.run(threads: threads) { run in
            for url in try writer.write(run) {
                // try?: a file just written; its size only feeds a printed figure
                let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
                bytes.add(size)
            }
        }
        let seconds = Date().timeIntervalSince(start)
        return Result(modelYears: configuration.modelYears, seconds: seconds, bytes: bytes.total)
    }
}

/// A thread-safe byte count.
final class ByteCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    /// Adds `n` bytes.
    func add(_ n: Int) { lock.lock(); value += n; lock.unlock() }
    /// The total.
    var total: Int { lock.lock(); defer { lock.unlock() }; return value }
}

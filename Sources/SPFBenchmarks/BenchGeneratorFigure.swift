import ClimateData
import Foundation

/// The ClimateSuite generator figure of `spfflow bench climate`:
/// `generator_model_years_per_s` = model-years of monthly tas + pr simulated and written as
/// CMIP6 netCDF per second of wall time, at the default grid scale and deflate level, on 2
/// threads (all ten models, one member, historical + ssp245: 2,510 model-years).
enum BenchGeneratorFigure {
    /// Measures and prints the figure lines.
    static func run() throws {
        let forcing = try RCMIPForcingData(directory: RCMIPForcingData.locateExtract())
        let result = try ClimateSuiteBenchmark.measure(forcing: forcing, threads: 2)
        print("figure generator_seconds = \(String(format: "%.2f", result.seconds)) s")
        print("figure generator_megabytes = \(String(format: "%.0f", Double(result.bytes) / 1e6)) MB")
        print("figure generator_model_years_per_s = \(String(format: "%.1f", result.modelYearsPerSecond)) model-years/s")
    }
}

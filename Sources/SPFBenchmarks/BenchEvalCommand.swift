import ArgumentParser
import Evaluation
import Foundation

/// `spfflow bench eval`: throughput of the skill scorer (fair CRPS, RMSE, spread over a
/// ClimateBench-sized field) and of the PNG encoder, as `figure` lines.
struct BenchEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Benchmark the evaluation metrics and the report's PNG encoder.")

    @Option(help: "Ensemble members.") var members = 20
    @Option(help: "Held-out truth members.") var truthMembers = 3
    @Option(help: "Yearly frames (86 = 2015-2100).") var years = 86
    @Option(help: "Latitudes of the grid (longitudes = 1.5x).") var nlat = 96
    @Option(help: "Worker threads for the scorer.") var threads = 1

    func run() throws {
        let grid = try AreaWeightedGrid.global(nlat: nlat, nlon: nlat * 3 / 2)
        var rng = SeededGenerator(seed: 1)
        func field(_ m: Int) throws -> EnsembleField {
            let values = (0..<(m * years * grid.cellCount)).map { _ in Float(288 + rng.nextGaussian()) }
            return try EnsembleField(members: m, times: years, grid: grid, values: values)
        }
        let ensemble = try field(members), truth = try field(truthMembers)
        var best = Double.infinity
        for _ in 0..<3 {
            let start = Date()
            _ = try EnsembleScorer.score(ensemble: ensemble, truth: truth, grid: grid, threads: threads)
            best = min(best, Date().timeIntervalSince(start))
        }
        let memberValues = Double(members * years * grid.cellCount)
        print("figure eval_score_seconds = \(String(format: "%.4f", best)) s")
        print("figure eval_score_member_values_per_s = \(String(format: "%.4g", memberValues / best)) 1/s")

        let map = try MapRenderer().render(field: Array(ensemble.values.prefix(grid.cellCount)), grid: grid,
                                           title: "benchmark", units: "K", style: .sequential(.viridis))
        var svgBest = Double.infinity
        var bytes = 0
        for _ in 0..<3 {
            let start = Date()
            bytes = map.document.utf8.count
            svgBest = min(svgBest, Date().timeIntervalSince(start))
        }
        print("figure svg_map_document_seconds = \(String(format: "%.4g", svgBest)) s")
        print("figure svg_map_bytes = \(bytes) bytes")
    }
}

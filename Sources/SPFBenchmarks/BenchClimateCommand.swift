import ArgumentParser
import ClimateData
import Foundation

/// `spfflow bench climate`: climate-data figures.
/// - `regrid_vs_cdo`: CDO time / spfflow time for file-to-file first-order conservative
///   regridding of 120 monthly 96x144 fields to r72x36 (weights included, process start-up
///   included for both), each the best of 3 runs.
struct BenchClimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "climate",
        abstract: "Climate-data benchmarks (regrid_vs_cdo, generator_model_years_per_s).")

    @Option(name: .long, help: "Repetitions per timing (best is kept).")
    var repeats: Int = 3

    func run() throws {
        try regridVersusCDO()
        try BenchGeneratorFigure.run()
    }

    private func regridVersusCDO() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-bench-climate-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // try?: the benchmark's temporary folder; a failed removal leaves only scratch files in the temporary directory
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("tas_96x144_120.nc").path
        // The io-notes §3 setup: r144x96 cell-centred (lat ±89.0625, lon 1.25…358.75), bounds, noleap, zlib 1 + shuffle.
        let grid = try LatLonGrid(lat: (0..<96).map { -89.0625 + 1.875 * Double($0) }, lon: (0..<144).map { 1.25 + 2.5 * Double($0) })
        try SyntheticField.writeFile(path: input, grid: grid, steps: 120, deflateLevel: 1)
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let ours = try best(of: repeats) { try Self.runProcess(me, ["regrid", input, dir.appendingPathComponent("ours.nc").path, "--to", "r72x36", "--method", "conservative", "--deflate", "0"]) }
        print("figure regrid_spfflow_s = \(String(format: "%.4f", ours)) s")
        guard let cdo = Self.which("cdo") else {
            print("regrid_vs_cdo skipped: cdo is not installed (make test-deps installs it)")
            return
        }
        let theirs = try best(of: repeats) { try Self.runProcess(cdo, ["-s", "remapcon,r72x36", input, dir.appendingPathComponent("cdo.nc").path]) }
        print("figure regrid_cdo_s = \(String(format: "%.4f", theirs)) s")
        print("figure regrid_vs_cdo = \(String(format: "%.2f", theirs / ours)) x")
    }

    private func best(of n: Int, _ body: () throws -> Void) throws -> Double {
        var bestTime = Double.infinity
        for _ in 0..<max(1, n) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            bestTime = min(bestTime, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        return bestTime
    }

    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    static func runProcess(_ exe: String, _ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw ClimateDataError(.invalidArgument, "\(exe) \(args.joined(separator: " ")) exited with \(p.terminationStatus)")
        }
    }
}

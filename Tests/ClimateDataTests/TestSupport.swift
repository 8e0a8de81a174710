import Foundation
import ClimateData

/// Paths and external tools the ClimateData tests use (env SPFFLOW_TESTDATA, SPFFLOW_PYTHON).
enum TestSupport {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var testData: URL {
        if let p = ProcessInfo.processInfo.environment["SPFFLOW_TESTDATA"] { return URL(fileURLWithPath: p) }
        return repoRoot.appendingPathComponent(".testdata")
    }

    /// The CMIP6 sample tree (`…/timeseries/CMIP6`).
    static var cmip6Root: URL {
        testData.appendingPathComponent("esmvaltool_sample_data/data/timeseries/CMIP6")
    }

    static var python: String { ProcessInfo.processInfo.environment["SPFFLOW_PYTHON"] ?? "python3" }

    /// Runs a program (searched on PATH), returning stdout; throws on a non-zero exit.
    static func run(_ program: String, _ args: [String], stdin: Data? = nil) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [program] + args
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out; p.standardError = err
        if stdin != nil { p.standardInput = inp }
        try p.run()
        if let s = stdin { inp.fileHandleForWriting.write(s); try inp.fileHandleForWriting.close() }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        if p.terminationStatus != 0 {
            throw ClimateDataError(.invalidArgument, "\(program) \(args.joined(separator: " ")) failed: \(String(String(decoding: errData, as: UTF8.self).suffix(400)))")
        }
        return data
    }

    /// Whether a program can be found on PATH.
    static func has(_ program: String) -> Bool {
        (try? run("sh", ["-c", "command -v \(program)"])) != nil
    }

    /// Whether python has netCDF4 + cftime.
    /// Whether the test Python imports `module`.
    static func hasPython(_ module: String) -> Bool { (try? run(python, ["-c", "import \(module)"])) != nil }

    static var hasPythonCF: Bool { (try? run(python, ["-c", "import netCDF4, cftime"])) != nil }

    /// Runs scripts/cf_reference.py.
    static func reference(_ args: [String], stdin: Data? = nil) throws -> Any {
        let script = repoRoot.appendingPathComponent("scripts/cf_reference.py").path
        let data = try run(python, [script] + args, stdin: stdin)
        return try JSONSerialization.jsonObject(with: data)
    }

    static func fields(_ d: CFDateTime) -> [Int] { [d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond] }

    /// A fresh scratch directory.
    static func scratch(_ name: String) throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-cd-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }
}

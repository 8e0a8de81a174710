import Foundation
import Testing

/// Runs an independent Python/numpy implementation on arrays written to a scratch directory.
/// Python is `SPFFLOW_PYTHON` (default `python3`); `make test-deps` installs numpy and properscoring.
struct PythonReference {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("spfflow-eval-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Writes `values` as raw little-endian float64 (`numpy.fromfile(path)`), returns the path.
    func write(_ name: String, _ values: [Double]) throws -> String {
        let url = directory.appendingPathComponent(name + ".f64")
        let data = values.withUnsafeBufferPointer { Data(buffer: $0) }
        try data.write(to: url)
        return url.path
    }

    /// Writes raw bytes, returns the path.
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Runs `script` with `arguments` (sys.argv[1...]) and returns the whitespace-separated numbers it prints.
    func run(_ script: String, _ arguments: [String]) throws -> [Double] {
        let text = try runText(script, arguments)
        return text.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Double($0) }
    }

    /// Runs `script` and returns its standard output; throws if it exits non-zero.
    func runText(_ script: String, _ arguments: [String]) throws -> String {
        let python = ProcessInfo.processInfo.environment["SPFFLOW_PYTHON"] ?? "python3"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", script] + arguments
        // Output goes to files, not pipes: reading pipes from parallel tests can hit EINTR in Foundation.
        let outURL = directory.appendingPathComponent("stdout-\(UUID().uuidString)")
        let errURL = directory.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: outURL), errHandle = try FileHandle(forWritingTo: errURL)
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        process.waitUntilExit()
        try? outHandle.close()
        try? errHandle.close()
        let outData = (try? Data(contentsOf: outURL)) ?? Data()
        let errData = (try? Data(contentsOf: errURL)) ?? Data()
        guard process.terminationStatus == 0 else {
            throw ReferenceFailure(message: "\(python) failed (status \(process.terminationStatus)); run "
                                   + "`make test-deps`. stderr: " + (String(data: errData, encoding: .utf8) ?? ""))
        }
        return String(data: outData, encoding: .utf8) ?? ""
    }

    func cleanup() { try? FileManager.default.removeItem(at: directory) }
}

struct ReferenceFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Relative/absolute closeness for comparing against references.
func close(_ a: Double, _ b: Double, rtol: Double = 1e-9, atol: Double = 1e-12) -> Bool {
    abs(a - b) <= atol + rtol * max(abs(a), abs(b))
}

import ArgumentParser
import Foundation

/// A measurement run in a child `spfflow` process, so its peak resident memory (VmHWM) is its own:
/// the child prints one line `child key=value key=value …`, which ``run(_:)`` parses.
enum BenchChildProcess {
    /// This executable.
    static var binary: String {
        // try?: without /proc the path the command was started with serves as well
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Runs `spfflow arguments…` and returns the numbers of its last `child …` line.
    static func run(_ arguments: [String]) throws -> [String: Double] {
        let output = try self.output(arguments)
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("child ") }) else {
            throw ValidationError("spfflow \(arguments.joined(separator: " ")) printed no result:\n\(output.suffix(1500))")
        }
        var fields: [String: Double] = [:]
        for part in line.split(separator: " ").dropFirst() {
            let kv = part.split(separator: "=")
            if kv.count == 2, let v = Double(kv[1]) { fields[String(kv[0])] = v }
        }
        return fields
    }

    /// Runs `spfflow arguments…` and returns its standard output; fails with its standard error. Standard
    /// output goes through a pipe (small), standard error to a file, so a chatty child never blocks on a full pipe.
    static func output(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let errURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("spfflow-bench-child-\(getpid())-\(UUID().uuidString.prefix(8)).stderr")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        // try?: a scratch file of the benchmark; a failed removal costs nothing
        defer { try? FileManager.default.removeItem(at: errURL) }
        let errHandle = try FileHandle(forWritingTo: errURL)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = errHandle
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errHandle.close()
        let output = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            // try?: the child's stderr only decorates the failure being reported
            let err = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
            throw ValidationError("spfflow \(arguments.joined(separator: " ")) exited \(process.terminationStatus):\n\(output.suffix(1500))\(err.suffix(1500))")
        }
        return output
    }

    /// A `/proc/self/status` field in KiB (`VmHWM`: peak resident memory, `VmRSS`: current).
    static func status(_ field: String) -> Double {
        // try?: without /proc the field reads as 0 and the benchmark prints that
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").first { $0.hasPrefix(field + ":") }?
            .split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Double($0) } ?? 0
    }
}

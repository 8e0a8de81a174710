import Foundation

/// One `spfflow` process started in the background, its output in a file.
final class SpfflowRun: @unchecked Sendable {
    let tag: String
    private let process = Process()
    private let log: URL

    init(_ arguments: [String], in dir: URL, tag: String) throws {
        self.tag = tag
        log = dir.appendingPathComponent("\(tag).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.executableURL = URL(fileURLWithPath: SmokeManifestTests.binary())
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SPFFLOW_CACHE"] = nil
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// Waits for the exit status; a run still going after `timeout` seconds is killed and throws (TestCommand.Timeout).
    func wait(timeout: Double = TestCommand.defaultTimeout) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            throw TestCommand.Timeout(command: ["spfflow"] + (process.arguments ?? []), seconds: timeout, output: output)
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Everything it printed.
    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
}

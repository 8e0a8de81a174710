import Foundation

/// One `spfflow` process started in the background, its output in a file.
final class SpfflowRun: @unchecked Sendable {
    let tag: String
    private let process: Process
    private let log: URL

    init(_ arguments: [String], in dir: URL, tag: String) throws {
        self.tag = tag
        log = dir.appendingPathComponent("\(tag).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process = TestCommand.configured(SmokeManifestTests.binary(), arguments, output: try FileHandle(forWritingTo: log))
        try process.run()
    }

    /// Waits for the exit status; a run still going after `timeout` seconds is killed and throws (TestCommand.Timeout).
    func wait(timeout: Double = TestCommand.defaultTimeout) throws -> Int32 {
        try TestCommand.waitForExit(process, timeout: timeout, log: log)
    }

    /// Everything it printed.
    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
}

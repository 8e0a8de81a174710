import Foundation

/// How these tests run a command to completion (the `spfflow` binary, or `env` in front of it): its standard output and
/// error together through a temporary file, `SPFFLOW_CACHE` taken out of the environment (a test names its cache), and a
/// time limit. A command still running at the limit is killed and its test fails naming it, with its output so far,
/// instead of holding up the whole test run (a hang used to run CI into its 90-minute limit).
enum TestCommand {
    /// A command that did not finish within its time limit.
    struct Timeout: Error, CustomStringConvertible {
        let command: [String]
        let seconds: Double
        let output: String
        var description: String {
            "\(command.joined(separator: " ")) did not finish within \(Int(seconds)) s and was killed; its output so far:\n"
                + output.suffix(4000)
        }
    }

    /// Seconds a command may take by default: far beyond any run of these tests (the longest takes a few minutes on a
    /// loaded 2-core machine), well within make test's watchdog.
    static let defaultTimeout = 1200.0

    /// Runs `executable` with `arguments` in `directory` (the current one when nil), `environment` added to this
    /// process's; returns its exit status and everything it printed.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil,
                    timeout: Double = defaultTimeout) throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-test-command-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        let process = configured(executable, arguments, environment: environment, in: directory, output: handle)
        try process.run()
        let status = try waitForExit(process, timeout: timeout, log: log)
        return (status, String(decoding: try Data(contentsOf: log), as: UTF8.self))
    }

    /// A process for `executable` as these tests run one: `environment` added to this process's without
    /// `SPFFLOW_CACHE`, standard output and error to `output`, no standard input.
    static func configured(_ executable: String, _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil,
                           output: FileHandle) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["SPFFLOW_CACHE"] = nil
        process.environment = env.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        return process
    }

    /// The exit status of a started `process`. Still running after `timeout` seconds, it is terminated (killed 5 s
    /// later if it is still there) and ``Timeout`` is thrown with what it wrote to `log`.
    static func waitForExit(_ process: Process, timeout: Double, log: URL) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            let grace = Date().addingTimeInterval(5)
            while process.isRunning && Date() < grace { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw Timeout(command: [process.executableURL?.path ?? "?"] + (process.arguments ?? []), seconds: timeout,
                          output: String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self))
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

import Foundation

/// Runs external programs from an argument vector (Foundation `Process`, never a shell string),
/// capturing output, with a timeout. Used for `sbatch`, `squeue`, `scancel` and `sinfo`.
public struct CommandRunner: Sendable {
    /// Seconds after which a command is terminated and reported as failed.
    public var timeout: Double
    /// Counts every call by program name.
    public let counter: SchedulerCallCounter

    /// Makes a runner.
    public init(timeout: Double = 120, counter: SchedulerCallCounter = SchedulerCallCounter()) {
        self.timeout = timeout
        self.counter = counter
    }

    /// The absolute path of `program` found on PATH, or nil.
    public static func locate(_ program: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        if program.contains("/") {
            return FileManager.default.isExecutableFile(atPath: program) ? program : nil
        }
        let dirs = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        for dir in dirs + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin"] where !dir.isEmpty {
            let candidate = dir + "/" + program
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `arguments[0]` with the rest as its argv; returns status and output (never throws for a non-zero exit).
    /// Throws when the program is missing, cannot start, or exceeds the timeout.
    public func run(_ arguments: [String], environment: [String: String]? = nil) throws -> CommandResult {
        guard let program = arguments.first else {
            throw SlurmError(.invalidValue, "empty command")
        }
        guard let executable = Self.locate(program) else {
            throw SlurmError(.commandNotFound, "'\(program)' is not on PATH (is Slurm installed? see scripts/slurm-local.sh)")
        }
        counter.record((program as NSString).lastPathComponent)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(arguments.dropFirst())
        if let environment { process.environment = environment }
        // Output goes to unlinked temporary files: no pipe-buffer deadlock whatever the output size.
        let out = try Self.temporaryHandle()
        let err = try Self.temporaryHandle()
        defer { try? out.close(); try? err.close() }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        do {
            try process.run()
        } catch {
            throw SlurmError(.commandFailed, "cannot start \(executable): \(error)")
        }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            _ = done.wait(timeout: .now() + 5)
            throw SlurmError(.commandFailed, "\(Self.render(arguments)) did not finish within \(Int(timeout)) s")
        }
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return CommandResult(arguments: arguments, status: status,
                             stdout: Self.readAll(out), stderr: Self.readAll(err))
    }

    /// Runs the command and throws unless it exits 0; returns its standard output.
    public func check(_ arguments: [String]) throws -> String {
        let result = try run(arguments)
        guard result.status == 0 else {
            let detail = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            throw SlurmError(.commandFailed, "\(Self.render(arguments)) exited \(result.status): \(detail)")
        }
        return result.stdout
    }

    /// A readable rendering of an argv for messages (each element quoted).
    public static func render(_ arguments: [String]) -> String {
        arguments.map { (try? ShellQuoting.quote($0)) ?? $0.debugDescription }.joined(separator: " ")
    }

    private static func temporaryHandle() throws -> FileHandle {
        var template = Array((NSTemporaryDirectory() + "/spfflow-cmd-XXXXXX").utf8CString)
        let fd: Int32 = template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return -1 }
            let fd = mkstemp(base)
            if fd >= 0 { unlink(base) }
            return fd
        }
        guard fd >= 0 else { throw SlurmError(.commandFailed, "cannot create a temporary file for command output") }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    private static func readAll(_ handle: FileHandle) -> String {
        _ = try? handle.seek(toOffset: 0)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

import Foundation

/// Runs each node as its own `spfflow exec-node` process on this machine: a node that crashes or
/// exhausts memory takes only its own process down, and the run records it as failed. `capacity`
/// thread slots at once, like the local executor; the node's output goes to its log.
public struct ProcessExecutor: Executor {
    /// "process".
    public let name = "process"
    /// Thread slots.
    public let capacity: Int
    /// The spfflow binary to run.
    public let binary: String

    /// Makes the executor.
    public init(binary: String, capacity: Int) {
        self.binary = binary
        self.capacity = max(1, capacity)
    }

    /// Runs `spfflow exec-node` for the job and waits for it.
    public func execute(_ job: NodeJob, events: any NodeEventSink) -> NodeOutcome {
        let arguments = job.execNodeArguments(binary: binary) + ["--threads", String(job.threads)]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = Array(arguments.dropFirst())
        let output = job.logFile.deletingPathExtension().appendingPathExtension("out")
        // The child writes into a pipe that this process copies into the .out file: the message of a
        // node that failed because the disk is full reaches the run even when the file cannot take it.
        let pipe = Pipe()
        let text: String
        do {
            try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            let handle = try FileHandle(forWritingTo: output)
            // try?: the .out copy of the child's output; the run already holds the output it reports
            defer { try? handle.close() }
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            // try?: our copy of the pipe's write end; if it cannot close, reading still ends when the child exits
            try? pipe.fileHandleForWriting.close()
            text = ChildOutput.copy(from: pipe.fileHandleForReading.fileDescriptor, to: handle)
            process.waitUntilExit()
        } catch {
            return .failed("cannot start \(binary) exec-node: \(error)")
        }
        if process.terminationReason == .uncaughtSignal {
            let signal = process.terminationStatus
            let name = [4: "SIGILL", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 11: "SIGSEGV"][signal].map { " (\($0))" } ?? ""
            // The crash report the Swift runtime prints (its first lines: what and where), kept even when the .out file could not take it.
            let report = Self.crashLines(text)
            // libhdf5 1.10 can crash (SIGSEGV) when a write meets a full file system: measured with the dead process's
            // temporaries still there, a full cache is the diagnosis the user needs, with the crash as its detail.
            let crash = EngineError(.nodeFailed, "exec-node was killed by signal \(signal)\(name)" + (report.isEmpty ? "" : ": \(report)"))
            if [7, 11].contains(signal), let space = FileSystemSpace.of(job.cacheDirectory), space.isNearlyFull,
               let full = DiskFullDiagnosis.error(for: crash, node: job.nodeID, cache: job.cacheDirectory,
                                                  writing: [job.cacheDirectory.appendingPathComponent("tmp").path + "/"], space: space) {
                return .failed(full.message + " (output: \(output.path))")
            }
            return .failed("exec-node was killed by signal \(signal)\(name): it crashed, or was killed, while computing the node"
                           + " (a corrupt input file can crash the netCDF/HDF5 libraries); output: \(output.path)"
                           + (report.isEmpty ? "" : "; it printed: \(report)"))
        }
        guard process.terminationStatus == 0 else {
            var last = text.split(separator: "\n").last(where: { $0.contains("failed") || $0.contains("error") }).map(String.init)
            // exec-node words it as the run would; the run adds its own "node … failed:" again.
            let prefix = "spfflow: node '\(job.nodeID)' failed: "
            if let line = last, line.hasPrefix(prefix) { last = String(line.dropFirst(prefix.count)) }
            return .failed(last ?? "exec-node exited with status \(process.terminationStatus) (output: \(output.path))")
        }
        return Self.outcome(ofSucceeded: text)
    }

    /// The lines of a crashed child's output that say what crashed and where (the Swift runtime's report:
    /// "Program crashed: …" and the first frames), joined; empty when it printed none.
    static func crashLines(_ output: String) -> String {
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let start = lines.firstIndex(where: { $0.contains("Program crashed") || $0.hasPrefix("Fatal error") || $0.contains("HDF5-DIAG") }) else {
            return ""
        }
        // The crashed thread's frames: numbered lines up to the next thread's frame 0.
        var frames: [String] = []
        for line in lines[(start + 1)...] where line.first?.isNumber == true {
            if line.hasPrefix("0 ") && !frames.isEmpty { break }
            frames.append(line)
            if frames.count == 6 { break }
        }
        return ([lines[start]] + frames).joined(separator: " | ")
    }

    /// What a successful `exec-node` did, from its status line: `ran` computed the node; `cached` (already
    /// committed when it looked, or computed by a concurrent process while it waited on the lease) did not.
    /// Only `ran` counts as computed, so run records count each node once across concurrent runs.
    static func outcome(ofSucceeded output: String) -> NodeOutcome {
        let status = output.split(separator: "\n").last { $0.hasPrefix("ran ") || $0.hasPrefix("cached ") }
        return status?.hasPrefix("cached ") == true ? .computedElsewhere : .computed
    }
}

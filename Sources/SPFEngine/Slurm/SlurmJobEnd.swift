import Foundation

/// What Slurm says about how one job (or array task) ended: its final state, the exit status or
/// signal, the node(s) it ran on and the limits it had, read from `sacct` when Slurm accounting is
/// available and from `scontrol show job` (which keeps finished jobs for `MinJobAge`) otherwise, or
/// from the `squeue` state alone when neither knows the job any more. `LOST` is spfflow's own state for
/// a job Slurm still shows RUNNING whose process is known to be gone.
public struct SlurmJobEnd: Sendable, Equatable {
    /// Where the facts came from.
    public enum Source: String, Sendable {
        /// `sacct` (Slurm accounting).
        case sacct
        /// `scontrol show job`.
        case scontrol
        /// Only the state code of the last `squeue` that listed the job.
        case squeue
        /// spfflow's own lease of the node: Slurm showed the job RUNNING but its process was gone.
        case lease
    }

    /// The final state: OUT_OF_MEMORY, TIMEOUT, CANCELLED, NODE_FAIL, FAILED, COMPLETED...
    public var state: String
    /// The exit status of the batch script (nil when unknown or killed by a signal).
    public var exitStatus: Int?
    /// The signal that ended it (nil when none or unknown).
    public var signal: Int?
    /// Slurm's `ExitCode` as printed, `status:signal` (e.g. `0:125` after an OOM kill), when known.
    public var exitCode: String?
    /// The node(s) it ran on (nil when unknown).
    public var nodes: String?
    /// Its wall-time limit as Slurm prints it (e.g. `00:01:00`), nil when unknown or unlimited.
    public var timeLimit: String?
    /// How long it ran, as Slurm prints it (e.g. `00:01:12`).
    public var runTime: String?
    /// The memory it was allowed, as Slurm prints it (e.g. `200M`).
    public var memory: String?
    /// Who cancelled it (`sacct` prints `CANCELLED by UID`), when known.
    public var cancelledBy: String?
    /// When it ended, as Slurm prints it (`2026-12-06T07:33:57`), when known.
    public var endTime: String?
    /// For state `LOST` (spfflow's, not Slurm's): how the job's process was found gone.
    public var lostBecause: String?
    /// Where these facts came from.
    public var source: Source

    /// Makes a record.
    public init(state: String, exitStatus: Int? = nil, signal: Int? = nil, exitCode: String? = nil, nodes: String? = nil, timeLimit: String? = nil,
                runTime: String? = nil, memory: String? = nil, cancelledBy: String? = nil, endTime: String? = nil,
                lostBecause: String? = nil, source: Source) {
        self.state = state
        self.exitStatus = exitStatus
        self.signal = signal
        self.exitCode = exitCode
        self.nodes = nodes
        self.timeLimit = timeLimit
        self.runTime = runTime
        self.memory = memory
        self.cancelledBy = cancelledBy
        self.endTime = endTime
        self.lostBecause = lostBecause
        self.source = source
    }

    /// True for the states in which a job ran out of its `--mem`.
    public var isOutOfMemory: Bool { state == "OUT_OF_MEMORY" }

    /// One line for a person: the state and what it means, the exit status or signal, the limit it hit.
    public var explanation: String {
        var text = state
        var why: [String] = []
        switch state {
        case "OUT_OF_MEMORY":
            why.append("killed by the out-of-memory handler: it used more than its memory limit" + (memory.map { " --mem \($0)" } ?? ""))
        case "TIMEOUT":
            why.append("killed at its time limit" + (timeLimit.map { " --time \($0)" } ?? "") + (runTime.map { " after running \($0)" } ?? ""))
        case "CANCELLED":
            why.append("cancelled" + (cancelledBy.map { " by \($0)" } ?? " (scancel by a user or an operator)"))
        case "NODE_FAIL":
            why.append("the node it ran on failed")
        case "PREEMPTED":
            why.append("preempted by another job")
        case "BOOT_FAIL":
            why.append("the node failed to boot")
        case "DEADLINE":
            why.append("past its deadline")
        case "FAILED":
            if let signal {
                why.append("killed by signal \(signal)" + (Self.signalName(signal).map { " (\($0))" } ?? ""))
            } else if let exitStatus {
                why.append("exited with status \(exitStatus)")
            }
        case "LOST":
            why.append("Slurm still showed the job RUNNING, but its process is gone" + (lostBecause.map { " (\($0))" } ?? "")
                       + ": its step or node died without Slurm noticing")
        case "UNKNOWN":
            why.append("left the queue and Slurm no longer knows how it ended")
        default:
            break
        }
        if state != "FAILED", let exitCode, exitCode != "0:0" { why.append("exit code \(exitCode)") }
        if let nodes, !nodes.isEmpty, nodes != "None assigned", nodes != "(null)" { why.append("on \(nodes)") }
        if !why.isEmpty { text += ": " + why.joined(separator: ", ") }
        return text
    }

    static func signalName(_ signal: Int) -> String? {
        [1: "SIGHUP", 2: "SIGINT", 6: "SIGABRT", 7: "SIGBUS", 9: "SIGKILL", 11: "SIGSEGV", 15: "SIGTERM"][signal]
    }

    // MARK: - Reading Slurm's output

    /// The `scontrol` argument vector for job `jobID` (`123` or `120_4`), one line of `Key=Value` fields.
    public static func scontrolArguments(jobID: String) -> [String] {
        ["scontrol", "--oneliner", "show", "job", jobID]
    }

    /// The `sacct` argument vector for job `jobID`: its allocation line only, `|`-separated, no header.
    public static func sacctArguments(jobID: String) -> [String] {
        ["sacct", "--noheader", "--parsable2", "--allocations", "--jobs=\(jobID)",
         "--format=JobID,State,ExitCode,NodeList,Timelimit,Elapsed,ReqMem,End"]
    }

    /// Reads `scontrol --oneliner show job ID`; nil when the output has no `JobState=` (e.g. the
    /// job is no longer known).
    public static func parseScontrol(_ text: String) -> SlurmJobEnd? {
        // Fields are space-separated `Key=Value`; values never contain a space except a few free-text
        // fields at the end (Command, WorkDir, StdOut paths...), which are not read here.
        var fields: [String: String] = [:]
        for token in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            guard let eq = token.firstIndex(of: "=") else { continue }
            let key = String(token[..<eq])
            if fields[key] == nil { fields[key] = String(token[token.index(after: eq)...]) }
        }
        guard let state = fields["JobState"], !state.isEmpty else { return nil }
        let (status, signal) = parseExitCode(fields["ExitCode"])
        var memory = fields["MinMemoryNode"]
        if memory == nil, let tres = fields["TRES"] ?? fields["ReqTRES"] {
            memory = tres.split(separator: ",").first { $0.hasPrefix("mem=") }.map { String($0.dropFirst(4)) }
        }
        return SlurmJobEnd(state: state, exitStatus: status, signal: signal, exitCode: fields["ExitCode"],
                           nodes: fields["NodeList"].flatMap { $0 == "(null)" ? nil : $0 },
                           timeLimit: fields["TimeLimit"].flatMap { $0 == "UNLIMITED" ? nil : $0 },
                           runTime: fields["RunTime"], memory: memory, cancelledBy: nil,
                           endTime: fields["EndTime"].flatMap { $0 == "Unknown" ? nil : $0 }, source: .scontrol)
    }

    /// Reads the output of `sacctArguments(jobID:)`: the first line whose JobID is `jobID`
    /// (or the only line); nil when there is none.
    public static func parseSacct(_ text: String, jobID: String) -> SlurmJobEnd? {
        let rows = text.split(whereSeparator: \.isNewline).map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
            .filter { $0.count >= 8 }
        guard let row = rows.first(where: { $0[0] == jobID }) ?? (rows.count == 1 ? rows.first : nil) else { return nil }
        // `CANCELLED by 0`: the state, then who.
        let stateWords = row[1].split(separator: " ", maxSplits: 2).map(String.init)
        guard let state = stateWords.first, !state.isEmpty else { return nil }
        let by = stateWords.count == 3 && stateWords[1] == "by" ? "uid \(stateWords[2])" : nil
        let (status, signal) = parseExitCode(row[2])
        return SlurmJobEnd(state: state, exitStatus: status, signal: signal, exitCode: row[2].isEmpty ? nil : row[2],
                           nodes: row[3].isEmpty || row[3] == "None assigned" ? nil : row[3],
                           timeLimit: row[4].isEmpty || row[4] == "UNLIMITED" ? nil : row[4],
                           runTime: row[5].isEmpty ? nil : row[5], memory: row[6].isEmpty ? nil : row[6],
                           cancelledBy: by, endTime: row[7].isEmpty || row[7] == "Unknown" ? nil : row[7], source: .sacct)
    }

    /// `ExitCode=S:N`: the exit status S, and the signal N when not 0 (then the status means nothing).
    static func parseExitCode(_ text: String?) -> (status: Int?, signal: Int?) {
        guard let text else { return (nil, nil) }
        let parts = text.split(separator: ":").map { Int($0) }
        guard parts.count == 2, let status = parts[0], let signal = parts[1] else { return (nil, nil) }
        return signal != 0 ? (nil, signal) : (status, nil)
    }
}

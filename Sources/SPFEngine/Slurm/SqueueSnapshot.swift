import Foundation

/// One poll of the queue for a whole run: the jobs (array tasks listed one by one) whose job name
/// is the run's, from a single `squeue` call.
///
/// `squeue --json` in Slurm 22.05 ignores `--name`, so the formatted output is used:
/// `squeue --noheader --array --states=all --name=NAME --format=%i|%A|%F|%K|%T|%k|%r`.
public struct SqueueSnapshot: Sendable, Equatable {
    /// One line of the queue.
    public struct Job: Sendable, Equatable {
        /// The id as squeue prints it (`123`, `120_4`, or `120_[5-9%2]` for pending tasks not yet split).
        public var displayID: String
        /// The job's own id (for array tasks that started, each task has its own).
        public var jobID: String
        /// The array's id (equal to `jobID` for plain jobs).
        public var arrayJobID: String
        /// The array task index, nil for plain jobs or for a not-yet-split pending range.
        public var arrayTaskID: Int?
        /// For a not-yet-split pending range, the task indices it covers.
        public var pendingTaskRange: [Int]
        /// Slurm state name: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY...
        public var state: String
        /// The job's comment (spfflow's submission token).
        public var comment: String
        /// Slurm's reason text (e.g. `Dependency`, `DependencyNeverSatisfied`).
        public var reason: String

        /// True while the job may still run (pending, running, configuring, completing, suspended...).
        public var isActive: Bool { !SqueueSnapshot.terminalStates.contains(state) }
    }

    /// States after which a job never runs again.
    public static let terminalStates: Set<String> = [
        "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED",
        "BOOT_FAIL", "DEADLINE", "REVOKED", "SPECIAL_EXIT",
    ]

    /// The `--format` string the parser expects (reason last: it is free text).
    public static let format = "%i|%A|%F|%K|%T|%k|%r"

    /// The jobs in the snapshot.
    public var jobs: [Job]

    /// Makes a snapshot from jobs.
    public init(jobs: [Job]) { self.jobs = jobs }

    /// The `squeue` argument vector for one poll of run `jobName`.
    public static func arguments(jobName: String) -> [String] {
        ["squeue", "--noheader", "--array", "--states=all", "--name=\(jobName)", "--format=\(format)"]
    }

    /// Parses the output of `arguments(jobName:)`.
    public static func parse(_ text: String) throws -> SqueueSnapshot {
        var jobs: [Job] = []
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let fields = line.split(separator: "|", maxSplits: 6, omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 7 else {
                throw SlurmError(.unexpectedOutput, "squeue line \(line.debugDescription) does not have 7 '|' fields")
            }
            let display = fields[0], jobID = fields[1], arrayJobID = fields[2], task = fields[3]
            guard !jobID.isEmpty, jobID.allSatisfy(\.isNumber), arrayJobID.allSatisfy(\.isNumber) else {
                throw SlurmError(.unexpectedOutput, "squeue line \(line.debugDescription) has no numeric job id")
            }
            var taskID: Int? = nil
            var range: [Int] = []
            if let n = Int(task) {
                taskID = n
            } else if task != "N/A" {
                range = try parseTaskRange(task)
            }
            jobs.append(Job(displayID: display, jobID: jobID, arrayJobID: arrayJobID.isEmpty ? jobID : arrayJobID,
                            arrayTaskID: taskID, pendingTaskRange: range, state: fields[4],
                            comment: fields[5], reason: fields[6]))
        }
        return SqueueSnapshot(jobs: jobs)
    }

    /// Parses a task-range spec such as `0-4%2`, `3,5,7-9` or `[0-3]` into indices.
    static func parseTaskRange(_ spec: String) throws -> [Int] {
        var body = spec.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if let percent = body.firstIndex(of: "%") { body = String(body[..<percent]) }
        var out: [Int] = []
        for part in body.split(separator: ",") {
            let ends = part.split(separator: "-").map { Int($0) }
            if ends.count == 1, let a = ends[0] {
                out.append(a)
            } else if ends.count == 2, let a = ends[0], let b = ends[1], a <= b {
                out += Array(a...b)
            } else {
                throw SlurmError(.unexpectedOutput, "cannot read array task range \(spec.debugDescription)")
            }
        }
        return out
    }

    /// The queue entries belonging to array/job `arrayJobID`, keyed by task index (0 for a plain job).
    public func tasks(ofArray arrayJobID: String) -> [Int: Job] {
        var out: [Int: Job] = [:]
        for job in jobs where job.arrayJobID == arrayJobID {
            if let t = job.arrayTaskID {
                out[t] = job
            } else if job.pendingTaskRange.isEmpty {
                out[0] = job
            } else {
                for t in job.pendingTaskRange { out[t] = job }
            }
        }
        return out
    }
}

/// The Slurm commands spfflow uses, each run from an argument vector: submit, poll one run's
/// jobs with a single `squeue`, ask how a failed job ended, cancel, and check that a controller answers.
public struct SlurmClient: Sendable {
    /// Runs and counts the commands.
    public let runner: CommandRunner

    /// Makes a client.
    public init(runner: CommandRunner = CommandRunner()) { self.runner = runner }

    /// Submits `request`; returns the job id.
    public func submit(_ request: SbatchRequest) throws -> String {
        try SbatchRequest.parseJobID(runner.check(request.arguments))
    }

    /// One `squeue` call listing every job (array tasks one by one) named `jobName`, finished ones included
    /// while Slurm still remembers them (`MinJobAge`).
    public func poll(jobName: String) throws -> SqueueSnapshot {
        try SqueueSnapshot.parse(runner.check(SqueueSnapshot.arguments(jobName: jobName)))
    }

    /// Cancels the given jobs (array ids cancel every task) with one `scancel` call.
    public func cancel(_ jobIDs: [String]) throws {
        guard !jobIDs.isEmpty else { return }
        let result = try runner.run(["scancel"] + jobIDs)
        // scancel exits non-zero when some job already finished; that is not a failure here.
        if result.status != 0, !result.stderr.contains("already completing or completed"),
           !result.stderr.contains("Invalid job id") {
            throw SlurmError(.commandFailed, "scancel \(jobIDs.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
    }

    /// How job `jobID` (`123` or `120_4`) ended: from `sacct` while `accounting` is true, else (or
    /// when sacct does not know the job yet) from `scontrol show job`; nil when neither knows it.
    /// Sets `accounting` to false when sacct is missing or says accounting is disabled, so a run asks it once.
    public func jobEnd(jobID: String, accounting: inout Bool) -> SlurmJobEnd? {
        if accounting {
            do {
                let result = try runner.run(SlurmJobEnd.sacctArguments(jobID: jobID))
                if result.status == 0 {
                    if let end = SlurmJobEnd.parseSacct(result.stdout, jobID: jobID),
                       SqueueSnapshot.terminalStates.contains(end.state) {
                        return end
                    }
                } else {
                    accounting = false
                }
            } catch {
                accounting = false
            }
        }
        // try?: scontrol is the fallback after sacct; neither knowing the job is the nil this returns
        guard let result = try? runner.run(SlurmJobEnd.scontrolArguments(jobID: jobID)), result.status == 0 else { return nil }
        return SlurmJobEnd.parseScontrol(result.stdout)
    }

    /// Nil when a controller answers `sinfo`, else the reason it does not.
    public func unavailableReason() -> String? {
        do {
            let result = try runner.run(["sinfo", "--noheader", "--format=%t"])
            if result.status != 0 {
                return "sinfo exited \(result.status): \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
            }
            return nil
        } catch {
            return "\(error)"
        }
    }
}

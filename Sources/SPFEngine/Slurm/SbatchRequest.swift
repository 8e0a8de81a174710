import Foundation

/// One `sbatch` submission as an argument vector: a plain job or a job array, with its
/// dependencies, resources, job name, comment and log path.
public struct SbatchRequest: Sendable, Equatable {
    /// The path of the batch script file to submit.
    public var scriptPath: String
    /// `--job-name`: the run-unique name every job of a run shares (squeue filters on it).
    public var jobName: String
    /// `--comment`: spfflow's submission token (maps the job back to its nodes after a driver crash).
    public var comment: String
    /// The working directory of the job (`--chdir`); logs are written here.
    public var workingDirectory: String
    /// `--output` relative to `workingDirectory` (Slurm patterns like `%j`, `%a` allowed).
    public var outputPattern: String
    /// Job ids this job must wait for (`--dependency=afterok:...`).
    public var afterOK: [String]
    /// Number of array tasks (nil: a plain job).
    public var arrayCount: Int?
    /// At most this many array tasks at once (`%N`); nil: no throttle.
    public var arrayThrottle: Int?
    /// Cpus, memory, time, partition, account, extra options.
    public var resources: SlurmResources

    /// Makes a request.
    public init(scriptPath: String, jobName: String, comment: String, workingDirectory: String, outputPattern: String,
                afterOK: [String] = [], arrayCount: Int? = nil, arrayThrottle: Int? = nil,
                resources: SlurmResources = SlurmResources()) {
        self.scriptPath = scriptPath
        self.jobName = jobName
        self.comment = comment
        self.workingDirectory = workingDirectory
        self.outputPattern = outputPattern
        self.afterOK = afterOK
        self.arrayCount = arrayCount
        self.arrayThrottle = arrayThrottle
        self.resources = resources
    }

    /// The full `sbatch` argument vector (program first). Each option is one argv element.
    public var arguments: [String] {
        var args = ["sbatch", "--parsable", "--job-name=\(jobName)", "--comment=\(comment)",
                    "--chdir=\(workingDirectory)", "--output=\(outputPattern)", "--kill-on-invalid-dep=yes",
                    "--no-requeue"]
        if !afterOK.isEmpty {
            args.append("--dependency=afterok:" + afterOK.joined(separator: ":"))
        }
        if let arrayCount {
            var spec = "--array=0-\(max(arrayCount - 1, 0))"
            if let arrayThrottle, arrayThrottle > 0 { spec += "%\(arrayThrottle)" }
            args.append(spec)
        }
        args += resources.sbatchArguments
        args.append(scriptPath)
        return args
    }

    /// Parses `sbatch --parsable` output (`jobid` or `jobid;cluster`) into the job id.
    public static func parseJobID(_ output: String) throws -> String {
        let line = output.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        let id = line.split(separator: ";").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw SlurmError(.unexpectedOutput, "sbatch printed \(output.debugDescription), not a job id")
        }
        return id
    }
}

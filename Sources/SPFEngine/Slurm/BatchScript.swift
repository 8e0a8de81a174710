/// The bash batch script spfflow hands to `sbatch`: it runs one command per node, picking the
/// node by `SLURM_ARRAY_TASK_ID` when the job is an array.
///
/// Every value that came from a manifest or the command line (program path, arguments, node ids)
/// is single-quoted with `ShellQuoting.quote`, so ids or paths containing `;`, `$( )`, backquotes,
/// quotes or newlines are passed literally and never run. No value is put in an `#SBATCH` line:
/// all `sbatch` options go on `sbatch`'s own argument vector.
public struct BatchScript: Sendable, Equatable {
    /// The program and its leading arguments, e.g. `[spfflow, "exec-node", "--cache", dir, manifest]`.
    public var command: [String]
    /// The per-task final argument (the node id); element `i` is used by array task `i`, or the
    /// only element for a plain job.
    public var taskArguments: [String]
    /// Extra environment for the command (names must be shell identifiers).
    public var environment: [(String, String)]
    /// A one-line description written as a comment (sanitised: no newlines).
    public var title: String

    /// Makes a script description.
    public init(command: [String], taskArguments: [String], environment: [(String, String)] = [], title: String = "") {
        self.command = command
        self.taskArguments = taskArguments
        self.environment = environment
        self.title = title
    }

    /// Compares scripts by their rendered fields.
    public static func == (a: BatchScript, b: BatchScript) -> Bool {
        a.command == b.command && a.taskArguments == b.taskArguments && a.title == b.title
            && a.environment.map { $0.0 + "=" + $0.1 } == b.environment.map { $0.0 + "=" + $0.1 }
    }

    /// The script text. Throws if a value cannot be quoted (NUL byte) or an environment name is not an identifier.
    public func render() throws -> String {
        guard !command.isEmpty else { throw SlurmError(.invalidValue, "batch script without a command") }
        guard !taskArguments.isEmpty else { throw SlurmError(.invalidValue, "batch script without a task") }
        let safeTitle = String(title.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
        var lines = [
            "#!/bin/bash",
            "# spfflow batch script (generated): \(safeTitle)",
            "# Every value below is single-quoted; nothing from the manifest is interpreted by the shell.",
            "set -u",
        ]
        for (name, value) in environment {
            guard Self.isIdentifier(name) else {
                throw SlurmError(.invalidValue, "environment variable name \(name.debugDescription) is not a shell identifier")
            }
            lines.append("export \(name)=\(try ShellQuoting.quote(value))")
        }
        lines.append("command=( " + (try command.map(ShellQuoting.quote).joined(separator: " ")) + " )")
        lines.append("tasks=(")
        for argument in taskArguments { lines.append("  " + (try ShellQuoting.quote(argument))) }
        lines.append(")")
        lines.append("index=\"${SLURM_ARRAY_TASK_ID:-0}\"")
        lines.append("case \"$index\" in ''|*[!0-9]*) echo \"spfflow: bad SLURM_ARRAY_TASK_ID '$index'\" >&2; exit 2 ;; esac")
        lines.append("if [ \"$index\" -ge \"${#tasks[@]}\" ]; then echo \"spfflow: array task $index out of range\" >&2; exit 2; fi")
        lines.append("echo \"spfflow: job ${SLURM_JOB_ID:-?} task $index on $(hostname) at $(date -u +%FT%TZ): ${tasks[$index]}\"")
        lines.append("exec \"${command[@]}\" \"${tasks[$index]}\"")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}

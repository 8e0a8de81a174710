import Foundation

/// What one `sbatch` call submitted, written before the call so that a driver that crashed can map
/// the jobs it finds in the queue (by their `--comment` token) back to nodes.
public struct SubmissionRecord: Codable, Sendable, Equatable {
    /// The token passed as `--comment` and used in file names.
    public var token: String
    /// The run's job name.
    public var jobName: String
    /// Node ids by array task index (one element for a plain job).
    public var nodes: [String]
    /// Cache keys, parallel to `nodes`.
    public var keys: [String]
    /// The attempt (0: first try).
    public var attempt: Int
    /// True for a job array.
    public var isArray: Bool
    /// The Slurm job id, once known.
    public var jobID: String?
    /// Host of the driver that submitted it.
    public var host: String
    /// When it was submitted (seconds since 1970).
    public var submittedAt: Double

    /// The log file of task `index`.
    public func logPath(in logs: URL, index: Int) -> String {
        logs.appendingPathComponent(isArray ? "\(token)_\(index).out" : "\(token).out").path
    }

    /// Writes the record atomically to `directory/<token>.json`.
    public func write(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            try encoder.encode(self).write(to: directory.appendingPathComponent("\(token).json"), options: .atomic)
        } catch {
            throw SlurmError(.commandFailed, "cannot write submission record \(token) in \(directory.path): \(error)")
        }
    }

    /// Reads `directory/<token>.json`, nil when absent or unreadable.
    public static func read(token: String, from directory: URL) -> SubmissionRecord? {
        guard token.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }),
              // try?: a submission without a record (it failed before writing one) is unknown to this run, which then resubmits its nodes
              let data = try? Data(contentsOf: directory.appendingPathComponent("\(token).json")) else { return nil }
        // try?: as above: an unreadable record counts as no submission
        return try? JSONDecoder().decode(SubmissionRecord.self, from: data)
    }

    /// Every record in `directory`.
    public static func readAll(from directory: URL) -> [SubmissionRecord] {
        // try?: no submissions folder means no submissions
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap {
            read(token: String($0.dropLast(5)), from: directory)
        }
    }
}

import Foundation

/// What one node asks of the cluster: cpus, memory, wall time, partition, account and extra
/// `sbatch` options. Comes from the manifest's `resources:` (on a node or in `defaults:`).
public struct SlurmResources: Sendable, Hashable {
    /// `--cpus-per-task`.
    public var cpus: Int
    /// `--mem` in MiB (nil: the cluster's default).
    public var memoryMB: Int?
    /// `--time` in minutes (nil: the partition's default).
    public var timeMinutes: Int?
    /// `--partition` (nil: the default partition).
    public var partition: String?
    /// `--account` (nil: the user's default account).
    public var account: String?
    /// Extra `sbatch` arguments, each one argv element (e.g. `["--qos=short", "--constraint=skylake"]`).
    public var extraOptions: [String]

    /// Makes a resource request; defaults: 1 cpu, the cluster's memory/time/partition/account.
    public init(cpus: Int = 1, memoryMB: Int? = nil, timeMinutes: Int? = nil, partition: String? = nil,
                account: String? = nil, extraOptions: [String] = []) {
        self.cpus = cpus
        self.memoryMB = memoryMB
        self.timeMinutes = timeMinutes
        self.partition = partition
        self.account = account
        self.extraOptions = extraOptions
    }

    /// The resources for retry attempt `attempt` (0 = first try): memory and time multiplied by
    /// `growth.memory^attempt` and `growth.time^attempt` (rounded up).
    public func scaled(forAttempt attempt: Int, memoryFactor: Double, timeFactor: Double) -> SlurmResources {
        guard attempt > 0 else { return self }
        var copy = self
        if let memoryMB { copy.memoryMB = Int((Double(memoryMB) * pow(memoryFactor, Double(attempt))).rounded(.up)) }
        if let timeMinutes { copy.timeMinutes = Int((Double(timeMinutes) * pow(timeFactor, Double(attempt))).rounded(.up)) }
        return copy
    }

    /// The `sbatch` arguments for these resources (one element per option; values never split or interpreted).
    public var sbatchArguments: [String] {
        var args = ["--cpus-per-task=\(cpus)"]
        if let memoryMB { args.append("--mem=\(memoryMB)M") }
        if let timeMinutes { args.append("--time=\(timeMinutes)") }
        if let partition { args.append("--partition=\(partition)") }
        if let account { args.append("--account=\(account)") }
        return args + extraOptions
    }

    /// Parses a memory size: `512`, `512M`, `4G`, `1T` (MiB when no unit; K/M/G/T are binary units).
    public static func parseMemoryMB(_ text: String) throws -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(String, Double)] = [("TB", 1_048_576), ("GB", 1024), ("MB", 1), ("KB", 1.0 / 1024),
                                         ("T", 1_048_576), ("G", 1024), ("M", 1), ("K", 1.0 / 1024)]
        var number = trimmed
        var factor = 1.0
        for (suffix, f) in units where trimmed.hasSuffix(suffix) {
            number = String(trimmed.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            factor = f
            break
        }
        guard let value = Double(number), value > 0, value.isFinite else {
            throw SlurmError(.invalidResources, "memory '\(text)' is not a size like 512M, 4G or 2048")
        }
        return max(1, Int((value * factor).rounded(.up)))
    }

    /// Parses a wall time as Slurm writes it: `MM`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`, `D-HH:MM:SS`;
    /// returns whole minutes (seconds rounded up).
    public static func parseTimeMinutes(_ text: String) throws -> Int {
        let bad = SlurmError(.invalidResources, "time '\(text)' is not a Slurm time like 30, 01:30:00 or 1-12:00")
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var days = 0
        var rest = Substring(trimmed)
        if let dash = trimmed.firstIndex(of: "-") {
            guard let d = Int(trimmed[..<dash]), d >= 0 else { throw bad }
            days = d
            rest = trimmed[trimmed.index(after: dash)...]
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard !parts.isEmpty, parts.count <= 3, parts.allSatisfy({ ($0 ?? -1) >= 0 }) else { throw bad }
        let v = parts.compactMap { $0 }
        var seconds: Int
        if trimmed.contains("-") {
            // D-HH, D-HH:MM, D-HH:MM:SS
            seconds = v[0] * 3600 + (v.count > 1 ? v[1] * 60 : 0) + (v.count > 2 ? v[2] : 0)
        } else {
            switch v.count {
            case 1: seconds = v[0] * 60
            case 2: seconds = v[0] * 60 + v[1]
            default: seconds = v[0] * 3600 + v[1] * 60 + v[2]
            }
        }
        seconds += days * 86_400
        guard seconds > 0 else { throw bad }
        return (seconds + 59) / 60
    }
}

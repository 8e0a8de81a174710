import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What `cleanLeftovers` removed.
public struct CleanupReport: Sendable, Equatable {
    /// Temporary files and directories of dead writers removed from `tmp/`.
    public var temporaries: [String] = []
    /// Files in `objects/` without a commit record removed.
    public var orphans: [String] = []
}

/// The result of verifying one object.
public struct VerifyReport: Sendable, Equatable {
    /// Status of one object.
    public enum Status: String, Sendable {
        /// Data and files match their digests.
        case ok
        /// The object file is gone.
        case missing
        /// Data or files do not match, or do not decode.
        case corrupt
    }
    /// Object key.
    public var key: String
    /// Node that produced it.
    public var node: String?
    /// Outcome.
    public var status: Status
    /// Details for missing or corrupt objects.
    public var message: String
}

/// The object keys a run used, read from any JSON file in `runs/` with a top-level `objectKeys` array.
public struct RunObjects: Codable, Sendable, Equatable {
    /// Run id.
    public var runId: String
    /// Keys of every object the run produced or read.
    public var objectKeys: [String]

    /// Makes a run reachability record.
    public init(runId: String, objectKeys: [String]) {
        self.runId = runId
        self.objectKeys = objectKeys
    }
}

/// What `gc` did (or would do with `dryRun`).
public struct GCReport: Sendable, Equatable {
    /// Run records whose objects were kept.
    public var keptRuns: [String] = []
    /// Objects deleted.
    public var deleted: [String] = []
    /// Bytes freed.
    public var freedBytes: Int64 = 0
    /// Bytes of objects remaining.
    public var remainingBytes: Int64 = 0
    /// Objects kept only because they are younger than the protection window.
    public var protectedRecent: Int = 0
    /// Keys whose stale checkpoints were removed.
    public var deletedCheckpoints: [String] = []
}

extension ObjectStore {
    /// Removes leftovers of killed processes: temporary files of writers whose PID is dead on this
    /// host (or older than a day from another host), and object files without a commit record
    /// older than `orphanGraceSeconds` (a live commit renames then appends within milliseconds).
    @discardableResult
    public func cleanLeftovers(orphanGraceSeconds: Double = 600) throws -> CleanupReport {
        var report = CleanupReport()
        let host = ObjectStore.sanitizedHost
        let now = Date()
        // try?: leftover cleanup only frees space; an unreadable folder is tried again next run
        for name in (try? FileManager.default.contentsOfDirectory(atPath: tmpDirectory.path)) ?? [] {
            let url = tmpDirectory.appendingPathComponent(name)
            guard let (ownerHost, pid) = ObjectStore.temporaryOwner(name) else { continue }
            let stale: Bool
            if ownerHost == host {
                stale = pid != ProcessIdentity.pid && !ProcessIdentity.isAlive(pid)
            } else {
                stale = now.timeIntervalSince(ObjectStore.modificationTime(url)) > 86_400
            }
            if stale {
                FileTree.remove(url)
                report.temporaries.append(name)
            }
        }
        // try?: as above, cleanup only frees space
        for prefix in (try? FileManager.default.contentsOfDirectory(atPath: objectsDirectory.path)) ?? [] {
            let folder = objectsDirectory.appendingPathComponent(prefix)
            // try?: as above, cleanup only frees space
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
                let key = String(name.split(separator: ".").first ?? "")
                guard log.record(for: key) == nil else { continue }
                let url = folder.appendingPathComponent(name)
                guard now.timeIntervalSince(ObjectStore.modificationTime(url)) >= orphanGraceSeconds else { continue }
                // Re-check: a commit may have landed meanwhile.
                guard log.record(for: key) == nil else { continue }
                FileTree.remove(url)
                report.orphans.append(name)
            }
        }
        return report
    }

    /// Fully re-checks committed objects (all when `keys` is nil) by decoding them against their digests.
    public func verify(keys: [String]? = nil) -> [VerifyReport] {
        let records = keys.map { wanted in wanted.map { log.record(for: $0) ?? CommitRecord(op: .commit, key: $0) } }
            ?? log.liveRecords()
        return records.map { record in
            if record.digests == nil && log.record(for: record.key) == nil {
                return VerifyReport(key: record.key, node: nil, status: .missing, message: "no commit record")
            }
            switch check(record) {
            case .ok: return VerifyReport(key: record.key, node: record.node, status: .ok, message: "")
            case .missing(let m): return VerifyReport(key: record.key, node: record.node, status: .missing, message: m)
            case .corrupt(let m): return VerifyReport(key: record.key, node: record.node, status: .corrupt, message: m)
            }
        }
    }

    /// Writes `runs/<runId>.objects.json` atomically (an engine may instead put `objectKeys` in its own run record).
    public func recordRunObjects(_ run: RunObjects) throws {
        let tmp = tmpDirectory.appendingPathComponent("run.\(run.runId).\(ObjectStore.sanitizedHost).\(ProcessIdentity.pid).\(UUID().uuidString.prefix(8)).json")
        do {
            try JSONEncoder.sortedKeys.encode(run).write(to: tmp)
            try FileTree.fsync(path: tmp.path)
            try FileTree.rename(tmp, to: runsDirectory.appendingPathComponent("\(run.runId).objects.json"))
            try FileTree.fsync(path: runsDirectory.path)
        } catch {
            try? FileManager.default.removeItem(at: tmp)  // a half-written temporary is never read; leftover cleanup would remove it later
            throw error
        }
    }

    /// The warning when a run's object list could not be written: the results are committed, but `cache gc`
    /// keeps them only while another run's list (or `--protect-recent`) covers them.
    public static func runObjectsNotRecorded(_ runID: String, _ error: Error) -> String {
        "cannot record the objects of run \(runID) for `cache gc` (\((error as? EngineError)?.message ?? "\(error)")); "
            + "the results are committed and a rerun records them, but until then `cache gc` may count them as unused"
    }

    /// Deletes objects not reachable from the last `keepRuns` run records (newest by modification time),
    /// then, with `maxBytes`, evicts reachable objects until the total fits: objects of older runs first,
    /// and among them the cheapest to recompute per byte. Objects committed within
    /// `protectRecentSeconds` are never deleted (a run in progress has not written its record yet).
    /// Checkpoints not updated for `checkpointMaxAgeSeconds` (abandoned partial work) are removed.
    public func garbageCollect(keepRuns: Int, maxBytes: Int64? = nil, protectRecentSeconds: Double = 3600,
                               checkpointMaxAgeSeconds: Double = 7 * 86_400, dryRun: Bool = false) throws -> GCReport {
        var report = GCReport()
        let runs = try runReachability().prefix(max(0, keepRuns))
        report.keptRuns = runs.map(\.runId)
        var newestRunRank: [String: Int] = [:]  // 0 = newest run
        for (rank, run) in runs.enumerated() {
            for key in run.objectKeys where newestRunRank[key] == nil { newestRunRank[key] = rank }
        }
        let now = Date()
        var remaining: [CommitRecord] = []
        for record in log.liveRecords() {
            let recent = now.timeIntervalSince(record.time) < protectRecentSeconds
            if newestRunRank[record.key] == nil && !recent {
                try remove(record, reason: "gc: unreachable from the last \(keepRuns) runs", dryRun: dryRun, into: &report)
            } else {
                if newestRunRank[record.key] == nil { report.protectedRecent += 1 }
                remaining.append(record)
            }
        }
        var total = remaining.reduce(Int64(0)) { $0 + ($1.bytes ?? 0) }
        if let maxBytes, total > maxBytes {
            let candidates = remaining
                .filter { now.timeIntervalSince($0.time) >= protectRecentSeconds }
                .sorted { a, b in
                    let ra = newestRunRank[a.key] ?? Int.max, rb = newestRunRank[b.key] ?? Int.max
                    if ra != rb { return ra > rb }
                    let ca = (a.wallSeconds ?? 0) / Double(max(1, a.bytes ?? 1))
                    let cb = (b.wallSeconds ?? 0) / Double(max(1, b.bytes ?? 1))
                    if ca != cb { return ca < cb }
                    return a.key < b.key
                }
            for record in candidates where total > maxBytes {
                try remove(record, reason: "gc: over the \(maxBytes)-byte budget", dryRun: dryRun, into: &report)
                total -= record.bytes ?? 0
            }
        }
        report.remainingBytes = total
        for key in checkpoints.keys() {
            let folder = checkpoints.directory.appendingPathComponent(key)
            let age = now.timeIntervalSince(ObjectStore.modificationTime(folder.appendingPathComponent("current.json")))
            if age > checkpointMaxAgeSeconds {
                report.deletedCheckpoints.append(key)
                if !dryRun { checkpoints.remove(key) }
            }
        }
        return report
    }

    /// Run reachability records, newest first. A record that cannot be read or decoded is an error naming
    /// the file: skipping it would let `cache gc` delete the objects of the run it describes.
    public func runReachability() throws -> [RunObjects] {
        struct Partial: Decodable {
            var runId: String?
            var objectKeys: [String]?
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: runsDirectory.path)
        } catch {
            // No runs folder yet: no run has recorded anything, so nothing is reachable.
            guard FileManager.default.fileExists(atPath: runsDirectory.path) else { return [] }
            throw StoreError(.io, "cannot list the run records: \(error.localizedDescription)", path: runsDirectory.path)
        }
        var runs: [(Date, RunObjects)] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            let url = runsDirectory.appendingPathComponent(name)
            let partial: Partial
            do {
                partial = try JSONDecoder().decode(Partial.self, from: Data(contentsOf: url))
            } catch {
                throw StoreError(.badRecord, "cannot read run record \(name) (\(error.localizedDescription)): `cache gc` cannot tell "
                                 + "which objects that run needs and deletes nothing; repair the file or move it out of the runs folder",
                                 path: url.path)
            }
            // A record without an object list (a run that committed nothing) keeps nothing alive.
            guard let keys = partial.objectKeys else { continue }
            let id = partial.runId ?? String(name.dropLast(5))
            runs.append((ObjectStore.modificationTime(url), RunObjects(runId: id, objectKeys: keys)))
        }
        // Merge records of the same run (e.g. the engine's own record and an .objects.json).
        var merged: [String: (Date, Set<String>)] = [:]
        for (date, run) in runs {
            let previous = merged[run.runId]
            merged[run.runId] = (max(previous?.0 ?? date, date), (previous?.1 ?? []).union(run.objectKeys))
        }
        return merged.sorted { $0.value.0 != $1.value.0 ? $0.value.0 > $1.value.0 : $0.key > $1.key }
            .map { RunObjects(runId: $0.key, objectKeys: $0.value.1.sorted()) }
    }

    private func remove(_ record: CommitRecord, reason: String, dryRun: Bool, into report: inout GCReport) throws {
        report.deleted.append(record.key)
        report.freedBytes += record.bytes ?? 0
        if !dryRun { try delete(record.key, reason: reason) }
    }

    /// The (host, pid) encoded in a temporary name `<prefix>.<host>.<pid>.<8 hex>[.<ext>]`.
    static func temporaryOwner(_ name: String) -> (String, Int32)? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 4 else { return nil }
        for i in 1..<(parts.count - 2) {
            let random = parts[i + 2]
            if let pid = Int32(parts[i + 1]), random.count == 8, random.allSatisfy(\.isHexDigit) {
                return (parts[i], pid)
            }
        }
        return nil
    }

    static func modificationTime(_ url: URL) -> Date {
        var st = stat()
        guard lstat(url.path, &st) == 0 else { return Date.distantPast }
        return Date(timeIntervalSince1970: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
    }
}

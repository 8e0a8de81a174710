import Foundation

/// Run records and node logs under `<cache>/runs/`: one directory per run with `run.json` and `logs/`.
public struct RunStore: Sendable {
    /// `<cache>/runs`.
    public let directory: URL

    /// The run store of a cache directory.
    public init(cacheDirectory: URL) {
        directory = cacheDirectory.appendingPathComponent("runs")
    }

    /// A fresh, sortable run id.
    public static func newRunID(now: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        let rand = String(UInt32.random(in: 0...0xFFFF), radix: 16)
        return "\(f.string(from: now))-\(getpid())-\(rand)"
    }

    /// The directory of one run.
    public func runDirectory(_ id: String) -> URL { directory.appendingPathComponent(id) }

    /// The log file of a node in a run.
    public func logFile(run: String, node: String) -> URL {
        runDirectory(run).appendingPathComponent("logs").appendingPathComponent(node + ".log")
    }

    /// The log path relative to the cache directory (as stored in records).
    public func relativeLogPath(run: String, node: String) -> String { "runs/\(run)/logs/\(node).log" }

    /// Writes a record atomically (temp file + rename).
    public func save(_ record: RunRecord) throws {
        let dir = runDirectory(record.id)
        do {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("logs"), withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            let data = try encoder.encode(record)
            let tmp = dir.appendingPathComponent(".run.json.tmp")
            try data.write(to: tmp)
            guard rename(tmp.path, dir.appendingPathComponent("run.json").path) == 0 else {
                throw EngineError(.cache, "cannot rename run record into \(dir.path)")
            }
        } catch let e as EngineError {
            throw e
        } catch {
            throw EngineError(.cache, "cannot write run record in \(dir.path): \(error.localizedDescription)")
        }
    }

    /// Loads one run's record.
    public func load(_ id: String) throws -> RunRecord {
        let url = runDirectory(id).appendingPathComponent("run.json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw EngineError(.usage, "no run '\(id)' in \(directory.path)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do { return try decoder.decode(RunRecord.self, from: data) } catch {
            throw EngineError(.cache, "run record \(url.path) is unreadable: \(error.localizedDescription)")
        }
    }

    /// Run ids, newest first.
    public func runIDs() -> [String] {
        // try?: no runs folder means no runs yet
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".json") }.sorted(by: >)
    }

    /// The newest records first (unreadable ones skipped), at most `limit`, optionally only one command.
    public func recent(limit: Int, command: String? = nil, manifestName: String? = nil) -> [RunRecord] {
        var out: [RunRecord] = []
        for id in runIDs() {
            guard out.count < limit else { break }
            // try?: `status` and `runs` list the records they can read; gc reads them strictly (runReachability)
            guard let r = try? load(id) else { continue }
            if let command, r.command != command { continue }
            if let manifestName, r.manifestName != manifestName { continue }
            out.append(r)
        }
        return out
    }
}

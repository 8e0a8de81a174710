import Foundation
import Pipelines
import SPFEngine

/// What the relocation, disk-full and concurrency tests read from a smoke cache: its commit lines, the
/// object keys its manifests expect, and its files.
enum SmokeCacheRecords {
    /// One line of `records/commits.jsonl`, decoded loosely.
    struct CommitLine {
        var op: String
        var key: String
        var node: String?
        var combinedDigest: String?
    }

    /// Every line of the cache's commit log, in order.
    static func commitLines(_ cache: URL) -> [CommitLine] {
        guard let text = try? String(contentsOf: cache.appendingPathComponent("records/commits.jsonl"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let op = object["op"] as? String, let key = object["key"] as? String else { return nil }
            return CommitLine(op: op, key: key, node: object["node"] as? String,
                              combinedDigest: (object["digests"] as? [String: Any])?["combined"] as? String)
        }
    }

    /// How many `commit` lines each object key has.
    static func commitCounts(_ cache: URL) -> [String: Int] {
        Dictionary(commitLines(cache).filter { $0.op == "commit" }.map { ($0.key, 1) }, uniquingKeysWith: +)
    }

    /// The last committed combined digest of an object key.
    static func digest(of key: String, in cache: URL) -> String? {
        commitLines(cache).last { $0.op == "commit" && $0.key == key }?.combinedDigest
    }

    /// Node id -> output name -> object key, as the manifest's plan computes them for `cache`.
    static func objectKeys(manifest: String, cache: URL) throws -> [String: [String: String]] {
        let session = try EngineSession(manifestPath: manifest, cacheOverride: cache.path, registry: NodeKindRegistry.registry,
                                        cleanLeftovers: false)
        return Dictionary(session.plan().map { ($0.id, $0.objects) }, uniquingKeysWith: { a, _ in a })
    }

    /// Relative paths of the regular files under `directory`.
    static func files(under directory: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }

    /// The files under `cache` whose bytes contain `text` (plain, or JSON-escaped as `\/`).
    static func files(under cache: URL, containing text: String) -> [String] {
        let needles = [Data(text.utf8), Data(text.replacingOccurrences(of: "/", with: "\\/").utf8)]
        return files(under: cache).filter { relative in
            guard let data = try? Data(contentsOf: cache.appendingPathComponent(relative), options: .alwaysMapped) else { return false }
            return needles.contains { data.range(of: $0) != nil }
        }
    }

    /// Lines of `spfflow run` output starting with `ran `: the node ids the run computed.
    static func ranNodes(_ output: String) -> [String] {
        output.split(separator: "\n").filter { $0.hasPrefix("ran ") }
            .compactMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map(String.init) }
    }
}

import Foundation
import SPFEngine

/// Publishes files into a directory a monitoring system and users read: `<dir>/<label>/` is filled
/// under a temporary name and renamed into place, then `latest` is switched by renaming a new link
/// over it, so readers never see a half-written publication. Files keep their relative paths (the
/// CMIP layout's DRS directories); with a catalogue, `catalog.json` and `catalog.csv` (intake-esm)
/// are written beside them, naming every file by its absolute path in `<dir>/<label>/`.
struct Publisher {
    var directory: URL

    /// The monitoring summary: per scenario (and ESM, timescale) its members, files and sampling
    /// times, and the run's timings.
    static func summary(label: String, files: [[String: String]], exportSeconds: Double) -> [String: Any] {
        var groups: [String: [[String: String]]] = [:]
        typealias Entry = EnsembleExportObject.Entry
        for f in files {
            groups["\(f[Entry.scenario] ?? "")|\(f[Entry.sourceID] ?? "")|\(f[Entry.timescale] ?? "")|\(f[Entry.model] ?? "")", default: []].append(f)
        }
        var scenarios: [[String: Any]] = []
        var sampling = 0.0
        for (_, group) in groups.sorted(by: { $0.key < $1.key }) {
            guard let first = group.first else { continue }
            let seconds = Double(first[Entry.samplingSeconds] ?? "") ?? 0
            sampling += seconds
            scenarios.append(["scenario": first[Entry.scenario] ?? "", "source_id": first[Entry.sourceID] ?? "",
                              "timescale": first[Entry.timescale] ?? "", "model": first[Entry.model] ?? "",
                              "members": Int(first[Entry.members] ?? "") ?? 0, "files": group.compactMap { $0[Entry.file] },
                              "sampling_seconds": seconds,
                              "seconds_per_trajectory": Double(first[Entry.secondsPerTrajectory] ?? "") ?? 0])
        }
        return ["label": label, "files": files, "scenarios": scenarios,
                "timings": ["sampling_seconds": sampling, "export_seconds": exportSeconds],
                "published": ISO8601DateFormatter().string(from: Date())]
    }

    /// Publishes `files` (each copied from `source` to `relativePath` in the publication).
    func publish(files: [(source: URL, relativePath: String)], label: String, summary: [[String: String]], exportSeconds: Double = 0,
                 catalog: IntakeCatalog? = nil) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        let final = directory.appendingPathComponent(label)
        let staging = directory.appendingPathComponent(".\(label).tmp-\(getpid())")
        // try?: a staging folder of an earlier, killed publish may not exist; creating it below reports real failures
        try? fm.removeItem(at: staging)
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        for f in files {
            let target = staging.appendingPathComponent(f.relativePath)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(at: f.source, to: target)
        }
        if let catalog { try catalog.write(to: staging, pathPrefix: final.standardizedFileURL.path + "/") }
        let json = try JSONSerialization.data(withJSONObject: Self.summary(label: label, files: summary, exportSeconds: exportSeconds),
                                              options: [.sortedKeys, .prettyPrinted])
        try json.write(to: staging.appendingPathComponent("summary.json"))
        if fm.fileExists(atPath: final.path) { try fm.removeItem(at: final) }
        try fm.moveItem(at: staging, to: final)
        let link = directory.appendingPathComponent(".latest.tmp-\(getpid())")
        // try?: a temporary link of an earlier, killed publish may not exist; creating it below reports real failures
        try? fm.removeItem(at: link)
        try fm.createSymbolicLink(atPath: link.path, withDestinationPath: label)
        guard rename(link.path, directory.appendingPathComponent("latest").path) == 0 else {
            throw EngineError(.nodeFailed, "could not switch \(directory.path)/latest: \(String(cString: strerror(errno)))")
        }
        try json.write(to: directory.appendingPathComponent("summary.json.tmp"))
        _ = rename(directory.appendingPathComponent("summary.json.tmp").path, directory.appendingPathComponent("summary.json").path)
    }
}

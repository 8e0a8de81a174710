import Foundation

/// The text `spfflow status` prints for a run record.
public struct RunStatusText: Sendable {
    /// The record.
    public let record: RunRecord
    /// The cache directory (to make log paths absolute).
    public let cacheDirectory: URL

    /// Makes the summary.
    public init(record: RunRecord, cacheDirectory: URL) {
        self.record = record
        self.cacheDirectory = cacheDirectory
    }

    /// Multi-line summary: header, counts by status, failed nodes with logs, slowest computed nodes.
    public func render() -> String {
        var state = record.state.rawValue
        if record.state == .running, record.host == ProcessInfo.processInfo.hostName, kill(record.pid, 0) != 0 {
            state = "interrupted (process \(record.pid) is gone)"
        }
        let iso = ISO8601DateFormatter()
        var out = "run \(record.id)  \(record.command)  \(record.manifestName)  \(state)\n"
        out += "manifest \(record.manifestPath)\n"
        out += "started \(iso.string(from: record.startedAt))"
        if let end = record.endedAt {
            out += "  ended \(iso.string(from: end))  (\(String(format: "%.2f", end.timeIntervalSince(record.startedAt))) s)"
        }
        out += "  host \(record.host) pid \(record.pid)  executor \(record.executor) (\(record.jobs) slot(s))\n"
        var counts: [NodeStatus: Int] = [:]
        for n in record.nodes { counts[n.status, default: 0] += 1 }
        let order: [NodeStatus] = [.ran, .cached, .computedElsewhere, .failed, .skipped, .pending, .notRequested]
        out += "nodes " + order.compactMap { s in counts[s].map { "\($0) \(s.rawValue)" } }.joined(separator: ", ") + "\n"
        for n in record.nodes where n.status == .failed {
            out += "  failed  \(n.id): \(n.error ?? "")\n"
            if let log = n.log { out += "          log \(cacheDirectory.appendingPathComponent(log).path)\n" }
        }
        for n in record.nodes where n.status == .skipped || n.status == .pending {
            out += "  \(n.status.rawValue)  \(n.id)\n"
        }
        let computed = record.nodes.filter { $0.status == .ran }.sorted { ($0.seconds ?? 0) > ($1.seconds ?? 0) }
        if !computed.isEmpty {
            out += "computed (slowest first):\n"
            for n in computed.prefix(10) {
                out += "  \(String(format: "%8.2f s", n.seconds ?? 0))  \(n.id)\(n.reason.map { "  (\($0))" } ?? "")\n"
            }
        }
        return out
    }
}

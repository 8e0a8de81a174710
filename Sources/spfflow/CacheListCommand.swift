import ArgumentParser
import CommandSupport
import Foundation
import SPFEngine

/// `spfflow cache ls`: one line per committed object, then totals, leases and checkpoints.
struct CacheListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List committed objects.")

    @OptionGroup var location: CacheLocation

    @Flag(name: .long, help: "Print the commit records as JSON lines.")
    var json = false

    func run() throws {
        let store = try location.open(cleanLeftovers: false)
        let records = store.records().sorted { $0.time < $1.time }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            for record in records { print(String(decoding: try encoder.encode(record), as: UTF8.self)) }
            return
        }
        let time = ISO8601DateFormatter()
        var total: Int64 = 0
        for record in records {
            total += record.bytes ?? 0
            let datasets = record.digests?.datasets.keys.sorted().joined(separator: ",") ?? ""
            let files = record.digests?.files.map { " +\($0.count) files" } ?? ""
            print("\(record.key.prefix(16))  \(time.string(from: record.time))  \(formatBytes(record.bytes ?? 0).padding(toLength: 9, withPad: " ", startingAt: 0))  "
                  + "\(record.node ?? "-")/\(record.output ?? "-")  \(record.kind ?? "-")  [\(datasets)]\(files)")
        }
        print("\(records.count) objects, \(formatBytes(total))")
        for lease in store.leases.all() {
            let state = lease.isExpired() ? "expired" : "held"
            print("lease \(lease.key.prefix(16)) \(state) by \(lease.host):\(lease.pid) since \(time.string(from: lease.startedAt))"
                  + (lease.slurmJobId.map { " slurm job \($0)" } ?? ""))
        }
        let checkpoints = store.checkpoints.keys()
        if !checkpoints.isEmpty { print("\(checkpoints.count) checkpoints: \(checkpoints.map { String($0.prefix(16)) }.joined(separator: " "))") }
    }
}

import ArgumentParser
import Foundation
import SPFEngine

/// `spfflow cache verify`: decodes objects and checks them against their recorded digests.
struct CacheVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-check objects by decoding them against their digests; exit 1 if any is corrupt or missing.")

    @OptionGroup var location: CacheLocation

    @Argument(help: "Object keys to check (default: every committed object).")
    var keys: [String] = []

    func run() throws {
        let store = try location.open(cleanLeftovers: false)
        let reports = store.verify(keys: keys.isEmpty ? nil : keys)
        var bad = 0
        for report in reports {
            switch report.status {
            case .ok:
                print("ok       \(report.key)  \(report.node ?? "-")")
            case .corrupt, .missing:
                bad += 1
                print("\(report.status.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)) \(report.key)  "
                      + "\(report.node ?? "-")  \(report.message)")
            }
        }
        print("\(reports.count) checked, \(reports.count - bad) ok, \(bad) bad")
        if bad > 0 { throw ExitCode(1) }
    }
}

import ArgumentParser
import CommandSupport
import Foundation
import SPFEngine

/// `spfflow plan MANIFEST`: a dry run saying, per node, cached or will run and why.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Dry run: for every node, cached or will run, and why (what changed since it was computed).")

    @OptionGroup var manifest: ManifestOptions

    @Option(name: .long, help: "Pretend this node is forced; repeatable.")
    var force: [String] = []

    @Flag(name: .long, help: "Show only nodes that will run.")
    var changedOnly = false

    func run() throws {
        try reportingEngineErrors {
            let session = try manifest.session(cleanLeftovers: false)
            for f in force { _ = try session.nodeIndex(f, option: "--force") }
            let decisions = session.plan(force: Set(force))
            var text = ""
            text.reserveCapacity(decisions.count * 48)
            for d in decisions where d.willRun || !changedOnly { text += d.line + "\n" }
            let willRun = decisions.filter(\.willRun).count
            text += "plan: \(decisions.count) node(s): \(decisions.count - willRun) cached, \(willRun) will run (cache \(session.store.root.path))\n"
            StandardStreams.out(text)
        }
    }
}

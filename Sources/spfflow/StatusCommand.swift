import ArgumentParser
import CommandSupport
import Foundation
import SPFEngine

/// `spfflow status [RUN]`: summarises the last run (or a given one) from its run record.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Summarise the last run, or the run with the given id.")

    @Argument(help: "A run id (default: the latest `run`).")
    var runID: String?

    @Option(name: .long, help: "Cache directory (default: SPFFLOW_CACHE, else the manifest's).")
    var cache: String?

    @Option(name: .long, help: "A manifest, to find its cache.")
    var manifest: String?

    func run() throws {
        try reportingEngineErrors {
            let dir = try cacheDirectory()
            let runs = RunStore(cacheDirectory: dir)
            let record: RunRecord
            if let id = runID {
                record = try runs.load(id)
            } else {
                guard let latest = runs.recent(limit: 1, command: "run").first ?? runs.recent(limit: 1).first else {
                    throw EngineError(.usage, "no runs recorded in \(dir.path)")
                }
                record = latest
            }
            print(RunStatusText(record: record, cacheDirectory: dir).render())
        }
    }

    private func cacheDirectory() throws -> URL {
        if let cache { return URL(fileURLWithPath: cache).standardizedFileURL }
        if let env = ProcessInfo.processInfo.environment["SPFFLOW_CACHE"], !env.isEmpty {
            return URL(fileURLWithPath: env).standardizedFileURL
        }
        if let manifest {
            let session = try ManifestOptions.parse([manifest]).session(cleanLeftovers: false)
            return session.store.root
        }
        return URL(fileURLWithPath: ".spfflow/cache").standardizedFileURL
    }
}

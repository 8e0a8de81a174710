import Foundation
import Testing

/// The commands the README and the guides show are run, in the order they appear, so they stay true:
/// every `spfflow …` line of a ```sh block whose file arguments exist in the repository (placeholders
/// such as FILE.nc and lines after an `export` of a user's path are shown, not run), except `run` of
/// manifests other than the smoke manifest (the default job takes half an hour; `make run` is its test).
/// Each must exit 0. The cache is a fresh directory (SPFFLOW_CACHE), so the tour's `run` computes.
@Suite(.serialized) struct GuideCommandsTests {
    static let root = SmokeManifestTests.repoRoot
    static let pages = ["README.md", "docs/concepts.md", "docs/cache.md", "docs/nightly.md", "docs/slurm.md",
                        "docs/reliability.md", "docs/science.md", "docs/adding-a-kind.md", "docs/memory.md", "docs/scenarios.md", "docs/own-files.md", "docs/scaling.md"]

    /// The runnable command lines of a page, in order.
    static func commands(in page: String) throws -> [[String]] {
        let text = try String(contentsOf: root.appendingPathComponent(page), encoding: .utf8)
        var out: [[String]] = []
        var inShell = false
        var userPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") { inShell = line == "```sh"; userPaths = false; continue }
            guard inShell else { continue }
            if line.hasPrefix("export ") { userPaths = true; continue }
            let command = line.split(separator: "#", maxSplits: 1).first.map(String.init) ?? ""
            let words = command.split(separator: " ").map(String.init)
            guard words.first == "spfflow", words.count >= 2, !userPaths else { continue }
            let files = words.dropFirst(2).filter { !$0.hasPrefix("-") && ($0.contains("/") || $0.hasSuffix(".nc") || $0.hasSuffix(".yaml")) }
            guard files.allSatisfy({ FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path) }) else { continue }
            if words[1] == "run" && !words.contains("Manifests/smoke.yaml") { continue }
            out.append(Array(words.dropFirst()))
        }
        return out
    }

    @Test func everyGuideCommandRuns() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("guide-commands-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        var ran: [String] = []
        for page in Self.pages {
            for arguments in try Self.commands(in: page) {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: SmokeManifestTests.binary())
                process.arguments = arguments
                process.currentDirectoryURL = Self.root
                var environment = ProcessInfo.processInfo.environment
                environment["SPFFLOW_CACHE"] = cache.path
                process.environment = environment
                let log = cache.deletingLastPathComponent().appendingPathComponent("guide-command-\(UUID().uuidString).log")
                _ = FileManager.default.createFile(atPath: log.path, contents: nil)
                defer { try? FileManager.default.removeItem(at: log) }
                let handle = try FileHandle(forWritingTo: log)
                process.standardOutput = handle
                process.standardError = handle
                try process.run()
                process.waitUntilExit()
                try? handle.close()
                let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                #expect(process.terminationStatus == 0, "\(page): spfflow \(arguments.joined(separator: " ")) exited \(process.terminationStatus):\n\(output.suffix(2000))")
                ran.append("\(page): spfflow \(arguments.joined(separator: " "))")
            }
        }
        print("guide commands run:\n" + ran.joined(separator: "\n"))
        // The tour at least: plan, run, status, run again (cached), kinds, verify.
        #expect(ran.filter { $0.hasPrefix("README.md") }.count >= 6, "\(ran)")
    }
}

import Foundation
import Testing
import SPFEngine

/// Starts the one-node localhost Slurm through scripts/slurm-local.sh for the tests, or says why it cannot.
enum SlurmTestCluster {
    /// The repository root (two levels above this file's folder).
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs `scripts/slurm-local.sh start`; returns nil when the node is idle, else the script's reason.
    static func start() -> String? {
        let script = repositoryRoot.appendingPathComponent("scripts/slurm-local.sh").path
        do {
            let result = try CommandRunner(timeout: 300).run(["/bin/bash", script, "start"])
            if result.status == 0 { return nil }
            let reason = (result.stderr + result.stdout).trimmingCharacters(in: .whitespacesAndNewlines)
            return "scripts/slurm-local.sh start exited \(result.status): \(reason)"
        } catch {
            return "scripts/slurm-local.sh start could not run: \(error)"
        }
    }

    /// The outcome of the one `start()` this test process makes (nil: running).
    static let startFailure: String? = start()

    /// Starts Slurm or cancels (skips) the calling test with the printed reason.
    static func requireRunning() throws {
        if let reason = startFailure {
            print("SKIPPED (Slurm cannot start here): \(reason)")
            try Test.cancel("Slurm cannot start here: \(reason)")
        }
    }

    /// Polls the run's jobs until none is active, or the timeout passes; returns the last snapshot.
    static func waitUntilDone(client: SlurmClient, jobName: String, timeout: Double = 60) throws -> SqueueSnapshot {
        let deadline = Date().addingTimeInterval(timeout)
        var snapshot = try client.poll(jobName: jobName)
        while snapshot.jobs.contains(where: \.isActive) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            snapshot = try client.poll(jobName: jobName)
        }
        return snapshot
    }
}

import Foundation
import Testing

/// Output redirected to a device that is full (/dev/full fails every write with ENOSPC, as a log file
/// on a full cache disk does): spfflow's messages are lost, but the process exits with its own status
/// and is not killed by a trap in Foundation's `FileHandle.write(_:)` (found by DiskFullTests in CI,
/// where exec-node died with SIGILL writing its failure message to its log on the full tmpfs).
@Suite struct FullStandardStreamTests {
    static let fullDevice = "/dev/full"

    static func run(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: spfflowBinary())
        process.arguments = arguments
        let full = try #require(FileHandle(forWritingAtPath: fullDevice))
        defer { try? full.close() }
        process.standardOutput = full
        process.standardError = full
        try process.run()
        process.waitUntilExit()
        return process
    }

    @Test(.enabled(if: FileManager.default.isWritableFile(atPath: fullDevice), "\(fullDevice) is not writable here"))
    func errorMessagesToAFullDeviceExitWithTheirStatus() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).yaml").path
        for arguments in [["plan", missing], ["run", missing], ["exec-node", missing, "n"], ["inspect", missing]] {
            let process = try Self.run(arguments)
            #expect(process.terminationReason == .exit, "spfflow \(arguments.joined(separator: " ")) was killed by signal \(process.terminationStatus)")
            #expect(process.terminationStatus != 0, "spfflow \(arguments.joined(separator: " ")) succeeded on a missing manifest")
        }
    }

    @Test(.enabled(if: FileManager.default.isWritableFile(atPath: fullDevice), "\(fullDevice) is not writable here"))
    func normalOutputToAFullDeviceIsNotATrap() throws {
        let manifest = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Manifests/smoke.yaml").path
        for arguments in [["plan", manifest], ["graph", manifest]] {
            let process = try Self.run(arguments)
            #expect(process.terminationReason == .exit, "spfflow \(arguments.joined(separator: " ")) was killed by signal \(process.terminationStatus)")
        }
    }
}

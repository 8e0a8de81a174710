import Foundation

/// Peers timed beside `spfflow bench tensor`'s own step, in the same run: the same benchmark in
/// another spfflow binary (a build for another CPU target), and PyTorch's reference script.
///
/// Rounds alternate (this binary, then each peer), so every figure sees the same machine load; a
/// figure is the median over rounds of each run's own median step time.
struct BenchPeers {
    /// Another spfflow binary, e.g. `.build-native/release/spfflow` (SPFFLOW_CPU=native).
    var nativeBinary: String?
    /// bench/torch_reference.py, run with `python`.
    var torchScript: String?
    /// The Python that runs the script.
    var python: String

    var isEmpty: Bool { nativeBinary == nil && torchScript == nil }

    /// Runs `executable arguments` and returns the value of its `figure <name> = <value> ms` line.
    static func figure(_ name: String, executable: String, arguments: [String]) throws -> Double {
        try run(executable: executable, arguments: arguments).figure(name)
    }

    /// Runs `executable arguments` to its end and keeps what it printed.
    static func run(executable: String, arguments: [String]) throws -> PeerOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return PeerOutput(command: ([executable] + arguments).joined(separator: " "), status: process.terminationStatus,
                          text: String(decoding: data, as: UTF8.self))
    }
}

/// What a peer benchmark printed, and how it ended.
struct PeerOutput {
    var command: String
    var status: Int32
    var text: String

    /// The value of its `figure <name> = <value> <unit>` line; an error when it failed or printed none.
    func figure(_ name: String) throws -> Double {
        let prefix = "figure \(name) = "
        guard status == 0, let value = line(startingWith: prefix).flatMap({ Double($0.split(separator: " ").first ?? "") }) else {
            throw BenchPeerError(command: command, status: status, output: String(text.suffix(2000)))
        }
        return value
    }

    /// The rest of its first line that starts with `prefix`.
    func line(startingWith prefix: String) -> String? {
        text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }).map { String($0.dropFirst(prefix.count)) }
    }
}

/// A peer benchmark that did not print its figure.
struct BenchPeerError: Error, CustomStringConvertible {
    var command: String
    var status: Int32
    var output: String
    var description: String { "peer benchmark `\(command)` exited \(status) without its figure:\n\(output)" }
}

import Foundation
import SPFEngine

/// The engine's scheduling figures for `spfflow bench engine`: wall time of a fully cached rerun of a
/// 1,000-node manifest (`cached_rerun_1000_s`, target < 1 s) and of `plan` on a 10,000-node matrix
/// expansion (`plan_10000_s`, target < 2 s). Both time this binary as a user runs it (a subprocess,
/// output to /dev/null), best of three.
enum EngineBenchFigures {
    /// Prints `figure <name> = <value> <unit>` lines; `work` is a scratch directory.
    static func run(work: URL) throws {
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        // try?: the benchmark's scratch folder
        defer { try? FileManager.default.removeItem(at: work) }

        // 1,000 nodes: 500 generators and 500 scalers; computed once, then rerun fully cached.
        let members = (0..<500).map(String.init).joined(separator: ", ")
        let small = work.appendingPathComponent("cached-1000.yaml")
        try """
            name: bench-cached-1000
            nodes:
              - id: gen-${m}
                kind: test.generate
                over: {m: [\(members)]}
                seed: ${m}
                params: {count: 16}
              - id: scale-${m}
                kind: test.scale
                over: {m: [\(members)]}
                inputs: {data: "gen-${m}"}
            """.write(to: small, atomically: true, encoding: .utf8)
        let cache = work.appendingPathComponent("cache")
        let fill = try timed(["run", small.path, "--cache", cache.path, "--progress", "none", "--quiet-cached"])
        print("figure cached_rerun_1000_fill_s = \(String(format: "%.2f", fill)) s")
        let rerun = try (0..<3).map { _ in
            try timed(["run", small.path, "--cache", cache.path, "--progress", "none"])
        }.min() ?? 0
        print("figure cached_rerun_1000_s = \(String(format: "%.3f", rerun)) s")

        // 10,000 nodes: a 100 x 50 matrix of generators, each read by a scaler; planned on an empty cache.
        let a = (0..<100).map(String.init).joined(separator: ", ")
        let b = (0..<50).map(String.init).joined(separator: ", ")
        let large = work.appendingPathComponent("plan-10000.yaml")
        try """
            name: bench-plan-10000
            nodes:
              - id: gen-${a}-${b}
                kind: test.generate
                over: {a: [\(a)], b: [\(b)]}
                seed: ${b}
                params: {count: 16, offset: "${a}"}
              - id: scale-${a}-${b}
                kind: test.scale
                over: {a: [\(a)], b: [\(b)]}
                inputs: {data: "gen-${a}-${b}"}
                params: {factor: 0.5}
            """.write(to: large, atomically: true, encoding: .utf8)
        let plan = try (0..<3).map { _ in
            try timed(["plan", large.path, "--cache", work.appendingPathComponent("plan-cache").path])
        }.min() ?? 0
        print("figure plan_10000_s = \(String(format: "%.3f", plan)) s")
    }

    /// Wall seconds of this binary with `arguments` (stdout discarded); throws if it fails.
    private static func timed(_ arguments: [String]) throws -> Double {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        let t0 = Date()
        try p.run()
        p.waitUntilExit()
        let seconds = Date().timeIntervalSince(t0)
        guard p.terminationStatus == 0 else {
            throw EngineError(.nodeFailed, "benchmark command failed (status \(p.terminationStatus)): spfflow \(arguments.joined(separator: " "))")
        }
        return seconds
    }
}

import Foundation

/// The CPU a process runs on and the one its code was compiled for, as every object's provenance
/// records them (`spfflow.cpu_model`, `spfflow.cpu_isa_level`, `spfflow.build_target`).
///
/// Results are bit-identical for any thread count on one machine; across CPU types they agree within
/// a stated tolerance (README, "Determinism"), so an object says which CPU made it.
public struct HostCPU: Codable, Sendable, Equatable {
    /// The model name (`/proc/cpuinfo` "model name"), e.g. "AMD EPYC 7B13".
    public var model: String
    /// The highest x86-64 micro-architecture level the CPU supports ("x86-64-v4" … "x86-64"), or the
    /// machine's architecture elsewhere.
    public var isaLevel: String

    /// The CPU of this machine.
    public static var current: HostCPU {
        // try?: without /proc/cpuinfo the CPU is recorded as unknown (provenance only)
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        return HostCPU(cpuinfo: info)
    }

    /// Reads the first processor's model name and flags out of `/proc/cpuinfo` text.
    public init(cpuinfo: String) {
        var model = "unknown", flags: Set<Substring> = []
        for line in cpuinfo.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            if name == "model name", model == "unknown" { model = parts[1].trimmingCharacters(in: .whitespaces) }
            if name == "flags", flags.isEmpty { flags = Set(parts[1].split(separator: " ")) }
        }
        self.model = model
        #if arch(x86_64)
        isaLevel = Self.x86Level(flags: flags)
        #else
        isaLevel = Self.architecture
        #endif
    }

    /// Makes a description from its parts.
    public init(model: String, isaLevel: String) {
        self.model = model
        self.isaLevel = isaLevel
    }

    /// The x86-64 micro-architecture level (psABI) whose every feature `flags` names.
    public static func x86Level(flags: Set<Substring>) -> String {
        let v2: Set<Substring> = ["cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3"]
        let v3: Set<Substring> = ["avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"]
        let v4: Set<Substring> = ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"]
        guard v2.isSubset(of: flags) else { return "x86-64" }
        guard v3.isSubset(of: flags) else { return "x86-64-v2" }
        guard v4.isSubset(of: flags) else { return "x86-64-v3" }
        return "x86-64-v4"
    }

    /// What the code was compiled for: `-target-cpu` of the release build (Package.swift's
    /// `SPFFLOW_CPU`), "x86-64-v3" by default; "debug" for an unoptimised build.
    public static var buildTarget: String {
        #if SPFFLOW_TARGET_NATIVE
        return "native"
        #elseif SPFFLOW_TARGET_X86_64_V3
        return "x86-64-v3"
        #elseif SPFFLOW_TARGET_X86_64_V4
        return "x86-64-v4"
        #elseif SPFFLOW_TARGET_X86_64
        return "x86-64"
        #elseif DEBUG
        return "debug"
        #else
        return architecture
        #endif
    }

    /// The machine's architecture name.
    static var architecture: String {
        #if arch(x86_64)
        return "x86_64"
        #elseif arch(arm64)
        return "aarch64"
        #else
        return "unknown"
        #endif
    }
}

import Foundation
import Pipelines
import SPFEngine
import Testing

/// What the README promises of determinism, checked through the built binary under each OpenBLAS
/// core type this CPU can run (`OPENBLAS_CORETYPE` picks OpenBLAS's kernels at load time, so each
/// core type is its own process):
/// - on one machine, bit-identical for any thread count (`spfflow doctor` on 1, 2, 3 and 8 threads);
/// - across CPU types, bit-identical: no product of a training step or a sampling pass runs on OpenBLAS (layers and
///   attention run on the packed kernels, which give the same bits with every instruction set), so the doctor's
///   training probe gives ``trainingProbeDigest`` under every core type and kernel set, and the smoke manifest under two
///   core types gives the same bytes in every dataset of every node, trained weights and sampled ensembles included.
@Suite struct CPUDeterminismTests {
    /// The digest of `spfflow doctor`'s training probe (a few optimiser steps of a small MM-DiT, then its weights), as
    /// computed on an AMD EPYC (Zen 5) with AVX-512 under the Haswell, SkylakeX and Sandybridge core types and the
    /// portable, AVX2 and AVX-512 kernels alike: since `spf.train` 9 these are the bits on every CPU.
    static let trainingProbeDigest = "79a66bbe0e632b1d"

    /// `DeterminismProbe.packedProductDigest` as computed on an Intel Xeon with AVX-512 (portable, AVX2 and AVX-512
    /// kernels alike): the packed kernels' promise is these bits on every CPU.
    static let packedProductDigest = "1c03552de007b25b"

    /// The OpenBLAS core types whose kernels this CPU can run, from the flags in /proc/cpuinfo.
    static func supportedCoreTypes() -> [String] {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        guard let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        let flags = Set(line.split(separator: ":", maxSplits: 1).last?.split(separator: " ") ?? [])
        func has(_ names: String...) -> Bool { names.allSatisfy { flags.contains(Substring($0)) } }
        var types: [String] = []
        if has("avx") { types.append("Sandybridge") }
        if has("avx", "avx2", "fma") { types += ["Haswell", "Zen"] }
        if has("avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd") { types.append("SkylakeX") }
        if has("avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd", "avx512_bf16") { types.append("Cooperlake") }
        return types
    }

    static func run(_ arguments: [String], coreType: String) throws -> (status: Int32, output: String) {
        try SmokeManifestTests.run("/usr/bin/env", ["OPENBLAS_CORETYPE=\(coreType)", SmokeManifestTests.binary()] + arguments)
    }

    /// `spfflow doctor` gives one digest on 1, 2, 3 and 8 threads under every core type this CPU runs.
    @Test func doctorIsBitIdenticalOnEveryThreadCountUnderEveryCoreType() throws {
        let types = Self.supportedCoreTypes()
        // The binary is built for x86-64-v3, so any machine running it has AVX2 and FMA.
        #expect(types.contains("Haswell") && types.contains("Sandybridge"), "core types \(types)")
        var digests: [String: String] = [:]
        for type in types {
            let result = try Self.run(["doctor", "--plain"], coreType: type)
            let facts = Dictionary(result.output.split(separator: "\n").compactMap { line -> (String, String)? in
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                return parts.count == 2 ? (parts[0], parts[1]) : nil
            }, uniquingKeysWith: { a, _ in a })
            #expect(result.status == 0, "\(type): doctor exited \(result.status)\n\(result.output)")
            #expect(facts["blas_core"] == type, "asked for \(type), OpenBLAS used \(facts["blas_core"] ?? "?")")
            #expect(facts["bit_identical_across_threads"] == "true", "\(type):\n\(result.output)")
            let perThread = [1, 2, 3, 8].map { facts["probe_threads_\($0)"] ?? "missing" }
            #expect(Set(perThread).count == 1, "\(type): \(perThread)")
            #expect(facts["build_target"] == "x86-64-v3", "\(result.output)")
            // The packed kernels give one set of bits on every CPU: every instruction set this one runs (AVX2 at
            // least, AVX-512 where it has it) reproduces the digest recorded on an AVX-512 Intel Xeon.
            #expect(facts["packed_identical_across_isas"] == "true", "\(type):\n\(result.output)")
            #expect(facts["packed_avx2"] == Self.packedProductDigest, "\(type):\n\(result.output)")
            #expect(facts["packed_portable"] == Self.packedProductDigest, "\(type):\n\(result.output)")
            if let wide = facts["packed_avx512"] { #expect(wide == Self.packedProductDigest) }
            // The training probe's products are all on the packed kernels: the same bits whatever OpenBLAS's kernels.
            #expect(perThread[0].split(separator: " ").first.map(String.init) == Self.trainingProbeDigest,
                    "\(type): \(perThread[0]), expected \(Self.trainingProbeDigest) (the digest on every CPU)")
            digests[type] = perThread[0]
        }
        #expect(Set(digests.values).count == 1, "\(digests)")
    }

    /// The smoke manifest under Haswell's and Sandybridge's kernels: every object has the same key and the same bytes
    /// in every dataset (before `spf.train` 9 the trained weights, and so the sampled ensembles, differed at float
    /// rounding, 1.1e-4 of a dataset's standard deviation at most).
    @Test(.timeLimit(.minutes(5))) func smokeManifestAgreesAcrossCoreTypes() throws {
        let manifest = SmokeManifestTests.repoRoot.appendingPathComponent("Manifests/smoke.yaml").path
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-cores-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let types = ["Haswell", "Sandybridge"]
        var sessions: [EngineSession] = []
        for type in types {
            let cache = root.appendingPathComponent(type).path
            let result = try Self.run(["run", manifest, "--cache", cache, "--progress", "none"], coreType: type)
            #expect(result.status == 0, "\(type): \(result.output.suffix(3000))")
            try #require(result.status == 0)
            sessions.append(try EngineSession(manifestPath: manifest, cacheOverride: cache, registry: NodeKindRegistry.registry,
                                              cleanLeftovers: false))
        }
        var compared = 0, identical = 0, worstByKind: [String: Double] = [:]
        for (a, b) in zip(sessions[0].plan(), sessions[1].plan()) {
            #expect(a.id == b.id && a.objects == b.objects, "node \(a.id): keys differ across core types")
            for (_, key) in a.objects {
                guard case .hit(let x) = sessions[0].store.lookup(key), case .hit(let y) = sessions[1].store.lookup(key) else {
                    Issue.record("node \(a.id): \(key) missing in a cache")
                    continue
                }
                let kind = x.attribute("spfflow.kind") ?? "?"
                #expect(x.attribute("spfflow.blas_core") == types[0] && y.attribute("spfflow.blas_core") == types[1])
                #expect(x.attribute("spfflow.cpu_isa_level")?.hasPrefix("x86-64") == true)
                #expect(x.datasetNames == y.datasetNames, "node \(a.id): datasets differ")
                var same = true
                for name in x.datasetNames {
                    let worst = try Self.relativeDifference(x, y, name)
                    if worst > 0 { same = false }
                    worstByKind[kind] = max(worstByKind[kind] ?? 0, worst)
                    #expect(worst == 0, "node \(a.id) (\(kind)) dataset \(name) differs across core types: \(worst) of its std")
                }
                compared += 1
                if same { identical += 1 }
            }
        }
        #expect(compared == sessions[0].manifest.nodes.count)
        print("core types \(types): \(compared) objects, \(identical) bit-identical; worst difference / std by kind: "
              + worstByKind.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }

    /// max |x − y| over the dataset's standard deviation (1 when that is 0); +∞ for differing integers
    /// or shapes.
    static func relativeDifference(_ x: StoredObject, _ y: StoredObject, _ name: String) throws -> Double {
        func floats(_ o: StoredObject) throws -> ([Int], [Double]) {
            switch try o.elementType(of: name) {
            case .float32: let (s, v) = try o.readFloats(name); return (s, v.map(Double.init))
            case .float64: return try o.readDoubles(name)
            case .int32: let (s, v) = try o.readInt32s(name); return (s, v.map(Double.init))
            case .int64: let (s, v) = try o.readInt64s(name); return (s, v.map(Double.init))
            }
        }
        let (sx, vx) = try floats(x), (sy, vy) = try floats(y)
        guard sx == sy else { return .infinity }
        let isInteger = try x.elementType(of: name) == .int32 || x.elementType(of: name) == .int64
        var worst = 0.0, sum = 0.0, sumSquares = 0.0, finite = 0.0
        for (a, b) in zip(vx, vy) {
            if a.isNaN && b.isNaN { continue }
            if a.isNaN != b.isNaN { return .infinity }
            worst = max(worst, abs(a - b))
            if a.isFinite { sum += a; sumSquares += a * a; finite += 1 }
        }
        if worst == 0 { return 0 }
        if isInteger { return .infinity }
        let mean = sum / max(finite, 1)
        let std = (max(0, sumSquares / max(finite, 1) - mean * mean)).squareRoot()
        return worst / (std > 0 ? std : 1)
    }
}

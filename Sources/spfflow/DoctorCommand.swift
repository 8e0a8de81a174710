import ArgumentParser
import Foundation
import SPFEngine
import TensorCore

/// `spfflow doctor`: what this machine computes with, and whether it gives the same bytes on every
/// thread count. Run it on a cluster's node types before trusting their results to agree.
///
/// Prints the CPU model and ISA level, the build's target, the OpenBLAS kernels in use, then trains
/// ``DeterminismProbe``'s MM-DiT for two steps on each thread count and prints its digest, then a packed-kernel
/// product under every instruction set this CPU runs (the same digest on every CPU). Exits 1 when two thread counts
/// or two instruction sets disagree.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Show the CPU, build target and BLAS kernels, and check that results are bit-identical on every thread count.")

    @Option(parsing: .upToNextOption, help: "Thread counts to compare.")
    var threads: [Int] = [1, 2, 3, 8]

    @Flag(help: "Print one line per fact as 'name = value' (for scripts and tests).")
    var plain = false

    func validate() throws {
        guard !threads.isEmpty, threads.allSatisfy({ $0 >= 1 && $0 <= 256 }) else {
            throw ValidationError("--threads takes counts from 1 to 256, got \(threads)")
        }
    }

    func run() throws {
        let cpu = HostCPU.current
        let facts: [(String, String)] = [
            ("cpu_model", cpu.model), ("cpu_isa_level", cpu.isaLevel), ("build_target", HostCPU.buildTarget),
            ("blas_core", BLASInfo.coreName), ("blas_config", BLASInfo.configuration),
            ("kernel_isa", KernelISA.host.rawValue),
        ]
        for (name, value) in facts { print(plain ? "\(name) = \(value)" : "\(name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(value)") }
        if let note = KernelISA.environmentNote() {
            print(plain ? "kernel_isa_note = \(note)" : "\("".padding(toLength: 14, withPad: " ", startingAt: 0)) \(note)")
        }
        let probe = DeterminismProbe()
        var digests: [String] = []
        for count in threads {
            let outcome = try probe.run(context: ComputeContext(threads: count))
            digests.append(outcome.digestHex)
            let losses = outcome.losses.map { String(format: "%.9g", $0) }.joined(separator: ",")
            print(plain ? "probe_threads_\(count) = \(outcome.digestHex) \(losses)"
                        : "threads \(String(count).padding(toLength: 6, withPad: " ", startingAt: 0)) digest \(outcome.digestHex)  losses \(losses)")
        }
        let identical = Set(digests).count == 1
        print(plain ? "bit_identical_across_threads = \(identical)"
                    : (identical ? "bit-identical on \(threads.map(String.init).joined(separator: ", ")) threads"
                                 : "NOT bit-identical across thread counts: results on this machine depend on the thread count"))
        // The packed kernels (a frozen model's products): every instruction set this CPU runs, one digest.
        var packed: [String] = []
        for isa in KernelISA.supported {
            let digest = DeterminismProbe.packedProductDigest(isa: isa, threads: threads.max() ?? 1)
            packed.append(digest)
            print(plain ? "packed_\(isa.rawValue) = \(digest)" : "packed kernels \(isa.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) digest \(digest)")
        }
        let packedIdentical = Set(packed).count == 1
        print(plain ? "packed_identical_across_isas = \(packedIdentical)"
                    : (packedIdentical ? "packed kernels bit-identical on \(KernelISA.supported.map(\.rawValue).joined(separator: ", "))"
                                       : "packed kernels NOT bit-identical across instruction sets"))
        if !identical || !packedIdentical { throw ExitCode(1) }
    }
}

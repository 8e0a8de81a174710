import CPackedGEMM
import Foundation

/// The instruction set of the packed-operand product kernels (``GEMM/multiply(m:a:lda:packed:bias:accumulate:c:ldc:context:)``).
///
/// The kernels keep tiles of the output in vector registers and differ only in how many elements run side by side:
/// every element is the same chain of fused multiply-adds over k in order, then the bias, then the old value. So every
/// instruction set gives the same bits, and the choice is one of speed alone: the widest this CPU runs, picked at run
/// time, whatever the build's baseline (`x86-64-v3`) says. This is how a product can use AVX-512 on a CPU that has it
/// without the results depending on which CPU a node has.
public enum KernelISA: String, Sendable, CaseIterable, Codable, Comparable {
    /// Scalar `fmaf`, one element at a time: the reference, and the kernel of non-x86 CPUs.
    case portable
    /// 256-bit AVX2 and FMA3 (every CPU the `x86-64-v3` build runs on): tiles of 6 rows × 16 columns.
    case avx2
    /// 512-bit AVX-512F (Intel Xeon since Skylake, AMD since Zen 4): tiles of 8 rows × 32 columns.
    case avx512

    /// What this CPU runs best, or what the environment variable `SPFFLOW_KERNEL_ISA` names (`portable`, `avx2`,
    /// `avx512`) when the CPU runs it: benchmarks set it to measure another CPU's kernel on this one. Results are the
    /// same bits either way.
    public static let host: KernelISA = chosen(ProcessInfo.processInfo.environment, detected: detected)

    /// The set `SPFFLOW_KERNEL_ISA` in `environment` selects on a CPU whose widest is `best`: the one named, narrowed to
    /// `best`; `best` when it is unset or names no set.
    static func chosen(_ environment: [String: String], detected best: KernelISA) -> KernelISA {
        guard let name = environment["SPFFLOW_KERNEL_ISA"], let asked = KernelISA(rawValue: name) else { return best }
        return min(asked, best)
    }

    /// What `SPFFLOW_KERNEL_ISA` in `environment` does to ``host``, in words (`spfflow doctor` prints it): nil when it is
    /// not set; otherwise which set is used, and why when that is not the one asked for (a name that is none of
    /// `portable`, `avx2`, `avx512` is ignored; a set this CPU does not run is narrowed to the widest it does).
    public static func environmentNote(_ environment: [String: String] = ProcessInfo.processInfo.environment,
                                       detected best: KernelISA = detected) -> String? {
        guard let name = environment["SPFFLOW_KERNEL_ISA"] else { return nil }
        let used = chosen(environment, detected: best).rawValue
        if KernelISA(rawValue: name) == nil {
            return "SPFFLOW_KERNEL_ISA=\(name) is not one of \(allCases.map(\.rawValue).joined(separator: ", ")): ignored, using \(used)"
        }
        if used != name { return "SPFFLOW_KERNEL_ISA=\(name): this CPU runs up to \(best.rawValue), using \(used)" }
        return "SPFFLOW_KERNEL_ISA=\(name): using \(used)"
    }

    /// The widest set this CPU and its operating system run.
    public static let detected: KernelISA = {
        switch spf_packed_gemm_host_isa() {
        case Int32(SPF_ISA_AVX512): return .avx512
        case Int32(SPF_ISA_AVX2): return .avx2
        default: return .portable
        }
    }()

    /// Every set this CPU runs, narrowest first (the tests run each).
    public static var supported: [KernelISA] { allCases.filter { $0 <= detected } }

    /// The C kernels' code for this set.
    var code: Int32 {
        switch self {
        case .portable: return Int32(SPF_ISA_PORTABLE)
        case .avx2: return Int32(SPF_ISA_AVX2)
        case .avx512: return Int32(SPF_ISA_AVX512)
        }
    }

    private var rank: Int { KernelISA.allCases.firstIndex(of: self) ?? 0 }

    public static func < (a: KernelISA, b: KernelISA) -> Bool { a.rank < b.rank }
}

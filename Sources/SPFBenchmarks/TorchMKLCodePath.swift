import ArgumentParser

/// Which of MKL's code paths PyTorch, the benchmarks' peer, runs (bench/torch_reference.py's `--mkl-code-path`).
///
/// MKL picks its kernels by the CPU's vendor as well as by its instruction sets; on a CPU that is not Intel's it
/// runs a generic path (a 1024³ matmul at 89-96 GFLOP/s on one AMD Zen 5 core instead of 180-211). With `intel`
/// the script preloads bench/mkl_intel_path.c, so the peer runs the kernels an Intel CPU with the same instruction
/// sets runs and a ratio against it does not depend on who made the CPU; on an Intel CPU both are the same.
enum TorchMKLCodePath: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// The path an Intel CPU with this CPU's instruction sets takes (the default).
    case intel
    /// PyTorch as installed.
    case stock

    /// The script's arguments that choose this path.
    var scriptArguments: [String] { ["--mkl-code-path", rawValue] }

    /// The start of the script's line that says which path its PyTorch ran.
    static let scriptLinePrefix = "mkl code path: "

    /// The benchmarks' `--torch-mkl` help.
    static let help = ArgumentHelp("MKL code path of the PyTorch peer: intel or stock.",
                                   discussion: "intel (the default) preloads bench/mkl_intel_path.c, so that MKL runs the kernels an Intel CPU with this CPU's instruction sets runs, whoever made the CPU; stock runs PyTorch as installed (on a CPU not Intel's, MKL's generic path).")
}

import ArgumentParser
import SPFEngine
import TensorCore

/// `--executor`: where `spfflow run` computes the nodes (`--help` lists the choices).
public enum ExecutorChoice: String, CaseIterable, ExpressibleByArgument {
    /// In the run's own process.
    case local
    /// One `spfflow exec-node` process per node.
    case process
    /// One Slurm job per node.
    case slurm

    /// The executor's factory.
    public var factory: ExecutorFactory {
        switch self {
        case .local: .local
        case .process: .process
        case .slurm: .slurm
        }
    }
}

/// `--progress`: auto, bar, plain or none.
extension ProgressMode: ExpressibleByArgument {}

/// `--gemm-threading` of `bench tensor`: splitRows or blasThreads.
extension ComputeContext.GEMMThreading: CaseIterable, ExpressibleByArgument {
    public static var allCases: [ComputeContext.GEMMThreading] { [.splitRows, .blasThreads] }
}

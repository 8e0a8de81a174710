import Foundation

extension ExecutorFactory {
    /// Slurm with default settings (`spfflow run --executor slurm` adds its `--slurm-*` options and waits for stragglers).
    public static let slurm = ExecutorFactory(name: "slurm", summary: "submit each uncached node as an sbatch job on the shared cache") { setup in
        SlurmExecutor(session: setup.session, settings: SlurmExecutorSettings(binary: setup.binary)) { line in
            StandardStreams.out(line + "\n")
        }
    }
}

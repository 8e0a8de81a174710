import ArgumentParser

/// `spfflow bench <area>`: benchmarks that print `figure <name> = <value> <unit>` lines.
public struct Bench: ParsableCommand {
    /// Makes the command (ArgumentParser fills it in).
    public init() {}

    public static let configuration = CommandConfiguration(
        abstract: "Run a benchmark; each figure is printed as `figure <name> = <value> <unit>`.",
        subcommands: [
            BenchEngine.self,
            BenchClimateCommand.self,
            BenchTensorCommand.self,
            BenchSamplingCommand.self,
            BenchEval.self,
            BenchSlurmCommand.self,
            BenchEnsembleCommand.self,
            BenchForcingCommand.self,
            BenchScalingCommand.self,
        ])
}

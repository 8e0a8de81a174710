import ArgumentParser
import SPFBenchmarks
import SPFEngine

/// The `spfflow` command and its subcommands; `Sources/spfflow-main` runs it with the production kinds,
/// `Sources/spfflow-test-kinds` with the engine tests' kinds too (see `CommandKinds`).
public struct SPFFlow: ParsableCommand {
    /// ArgumentParser makes the command.
    public init() {}

    /// The subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "spfflow",
        abstract: "Curate ESM output, train a Spatiotemporal Pyramid Flow emulator, sample ensembles.",
        version: SPFEngineInfo.version,
        subcommands: [
            Bench.self,
            RunCommand.self,
            PlanCommand.self,
            GraphCommand.self,
            StatusCommand.self,
            ExecNodeCommand.self,
            CacheCommand.self,
            InspectCommand.self,
            RegridCommand.self,
            ModelCommand.self,
            DoctorCommand.self,
            KindsCommand.self,
        ])
}

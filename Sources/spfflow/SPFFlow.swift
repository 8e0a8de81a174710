import ArgumentParser
import SPFBenchmarks
import SPFEngine

@main
struct SPFFlow: ParsableCommand {
    static let configuration = CommandConfiguration(
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

import ArgumentParser
import Pipelines
import SPFEngine

/// The node kinds the commands run: the production kinds of `NodeKindRegistry`, or, in the
/// `spfflow-test-kinds` executable, those and the engine tests' `test.*` kinds (the `TestKinds`
/// target, which `spfflow` does not link). A task-local value that the executable's entry point binds
/// once around the whole command (`CommandKinds.$registry.withValue(…) { SPFFlow.main() }`): child
/// processes re-run the same executable, so they see the same kinds. Nothing assigns it.
public enum CommandKinds {
    /// The registry manifests are loaded against.
    @TaskLocal public static var registry: KindRegistry = NodeKindRegistry.registry

    /// A usage error unless the engine tests' kinds are linked (benchmarks that time their manifests).
    public static func requireTestKinds(for command: String) throws {
        guard registry.kind(named: "test.generate") == nil else { return }
        throw ValidationError("`\(command)` runs manifests of the engine tests' test.* kinds, which spfflow does not link: "
                              + "run it as `spfflow-test-kinds \(command.replacingOccurrences(of: "spfflow ", with: ""))` (built beside spfflow)")
    }
}

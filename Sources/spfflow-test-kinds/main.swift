import CommandSupport
import SPFFlowCommand
import TestKinds

// `spfflow-test-kinds`: the same commands with the engine tests' `test.*` kinds added, for the tests
// (which run manifests of those kinds through a real binary: exec-node children re-run this one) and
// for `bench engine`. Production's `spfflow` does not link them.
CommandKinds.$registry.withValue(TestKindRegistry.registry) {
    SPFFlow.main()
}

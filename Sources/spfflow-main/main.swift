import SPFFlowCommand

// `spfflow`: the commands with the production node kinds (`Pipelines/NodeKindRegistry.swift`).
SPFFlow.main()

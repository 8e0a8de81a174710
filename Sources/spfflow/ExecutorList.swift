import SPFEngine

/// The executors `spfflow run --executor NAME` can use (add one line per executor).
let availableExecutors: [ExecutorFactory] = [
    .process,
    .local,
]

import Foundation

/// What an executor is built from when `spfflow run --executor NAME` picks it.
public struct ExecutorSetup: Sendable {
    /// The loaded manifest and cache.
    public let session: EngineSession
    /// `--jobs` (thread slots).
    public let jobs: Int
    /// Absolute path of the running spfflow binary (what a batch job calls as `exec-node`).
    public let binary: String

    /// Makes a setup.
    public init(session: EngineSession, jobs: Int, binary: String) {
        self.session = session
        self.jobs = jobs
        self.binary = binary
    }
}

/// A named way to build an executor; the CLI lists the available ones (`local`, and `slurm` from its own file).
public struct ExecutorFactory: Sendable {
    /// The `--executor` name.
    public let name: String
    /// One line for `--help`.
    public let summary: String
    /// Builds the executor.
    public let make: @Sendable (ExecutorSetup) throws -> any Executor

    /// Makes a factory.
    public init(name: String, summary: String, make: @escaping @Sendable (ExecutorSetup) throws -> any Executor) {
        self.name = name
        self.summary = summary
        self.make = make
    }

    /// One `spfflow exec-node` process per node (crash isolation), `--jobs` slots.
    public static let process = ExecutorFactory(name: "process", summary: "one exec-node process per node, --jobs at once") { setup in
        ProcessExecutor(binary: setup.binary, capacity: setup.jobs)
    }

    /// The in-process executor (`--jobs` slots); kinds that ask for their own process get one.
    public static let local = ExecutorFactory(name: "local", summary: "compute nodes in this process, --jobs at once") { setup in
        LocalExecutor(runner: setup.session.runner, capacity: setup.jobs,
                      isolation: ProcessExecutor(binary: setup.binary, capacity: setup.jobs))
    }
}

/// What one external command returned: its exit status and its captured output.
public struct CommandResult: Sendable {
    /// The argument vector that was run (program first).
    public let arguments: [String]
    /// The exit status (or the terminating signal number + 128).
    public let status: Int32
    /// Standard output as UTF-8 text.
    public let stdout: String
    /// Standard error as UTF-8 text.
    public let stderr: String

    /// Makes a result.
    public init(arguments: [String], status: Int32, stdout: String, stderr: String) {
        self.arguments = arguments
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

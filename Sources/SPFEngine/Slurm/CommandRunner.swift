import Foundation

/// Runs external programs from an argument vector (posix_spawn, never a shell string),
/// capturing output, with a timeout. Used for `sbatch`, `squeue`, `scancel` and `sinfo`.
public struct CommandRunner: Sendable {
    /// Seconds after which a command is terminated and reported as failed.
    public var timeout: Double
    /// Counts every call by program name.
    public let counter: SchedulerCallCounter

    /// Makes a runner.
    public init(timeout: Double = 120, counter: SchedulerCallCounter = SchedulerCallCounter()) {
        self.timeout = timeout
        self.counter = counter
    }

    /// The absolute path of `program` found on PATH, or nil.
    public static func locate(_ program: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        if program.contains("/") {
            return FileManager.default.isExecutableFile(atPath: program) ? program : nil
        }
        let dirs = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        for dir in dirs + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin"] where !dir.isEmpty {
            let candidate = dir + "/" + program
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `arguments[0]` with the rest as its argv; returns status and output (never throws for a non-zero exit).
    /// Throws when the program is missing, cannot start, or exceeds the timeout.
    public func run(_ arguments: [String], environment: [String: String]? = nil) throws -> CommandResult {
        guard let program = arguments.first else {
            throw SlurmError(.invalidValue, "empty command")
        }
        guard let executable = Self.locate(program) else {
            throw SlurmError(.commandNotFound, "'\(program)' is not on PATH (is Slurm installed? see scripts/slurm-local.sh)")
        }
        counter.record((program as NSString).lastPathComponent)
        // Output goes to unlinked temporary files: no pipe-buffer deadlock whatever the output size.
        let out = try Self.temporaryHandle()
        let err = try Self.temporaryHandle()
        // try?: closing unlinked temporary files
        defer { try? out.close(); try? err.close() }
        // posix_spawn and a WNOHANG wait loop on this thread: the wait needs no other thread, so it
        // cannot starve when every worker thread of the process is blocked (Foundation's Process
        // reports termination through a dispatch queue, which deadlocked under Swift Testing).
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out.fileDescriptor, 1)
        posix_spawn_file_actions_adddup2(&actions, err.fileDescriptor, 2)
        // Nothing else of this process reaches the child. Descriptors without close-on-exec (Foundation's
        // Pipe makes them so) would otherwise be inherited, and a daemon started this way (slurm-local.sh
        // starting slurmd) would hold another thread's pipe open for ever: that thread's reader would never
        // see end-of-file (CommandRunnerInheritanceTests).
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }
        // The child starts with no signal blocked and every signal at its default action. It would otherwise
        // inherit the calling thread's mask (a Dispatch or Swift Testing worker blocks SIGTERM and the other
        // asynchronous signals) and this process's ignored SIGPIPE: slurmd and munged started this way by
        // slurm-local.sh ignored `slurm-local.sh stop`'s SIGTERM (CommandRunnerInheritanceTests).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv = [executable] + Array(arguments.dropFirst())
        var pid: pid_t = 0
        let spawned: Int32 = Self.withCStrings(argv) { cArgv in
            Self.withCStrings(env) { cEnv in posix_spawn(&pid, executable, &actions, &attributes, cArgv, cEnv) }
        }
        guard spawned == 0 else {
            throw SlurmError(.commandFailed, "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        var pause: useconds_t = 1_000
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { throw SlurmError(.commandFailed, "waitpid failed for \(Self.render(arguments))") }
            if Date() > deadline {
                kill(pid, SIGTERM)
                usleep(200_000)
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw SlurmError(.commandFailed, "\(Self.render(arguments)) did not finish within \(Int(timeout)) s")
            }
            usleep(pause)
            pause = min(pause * 2, 50_000)
        }
        let signalled = (status & 0x7f) != 0
        let code = signalled ? 128 + (status & 0x7f) : (status >> 8) & 0xff
        return CommandResult(arguments: arguments, status: code, stdout: Self.readAll(out), stderr: Self.readAll(err))
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34; Debian 12 has 2.36), which Swift's
    /// Glibc module does not show (it is declared for _GNU_SOURCE only); nil on a C library without it.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: AddCloseFrom.self) }

    /// Calls `body` with a NULL-terminated C array of the strings.
    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for p in pointers { free(p) } }
        return pointers.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return body(UnsafePointer(bitPattern: 1)!) }
            return body(base)
        }
    }

    /// Runs the command and throws unless it exits 0; returns its standard output.
    public func check(_ arguments: [String]) throws -> String {
        let result = try run(arguments)
        guard result.status == 0 else {
            let detail = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            throw SlurmError(.commandFailed, "\(Self.render(arguments)) exited \(result.status): \(detail)")
        }
        return result.stdout
    }

    /// A readable rendering of an argv for messages (each element quoted).
    public static func render(_ arguments: [String]) -> String {
        // try?: a message rendering; an argument that cannot be shell-quoted is shown Swift-quoted
        arguments.map { (try? ShellQuoting.quote($0)) ?? $0.debugDescription }.joined(separator: " ")
    }

    private static func temporaryHandle() throws -> FileHandle {
        var template = Array((NSTemporaryDirectory() + "/spfflow-cmd-XXXXXX").utf8CString)
        let fd: Int32 = template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return -1 }
            let fd = mkstemp(base)
            if fd >= 0 { unlink(base) }
            return fd
        }
        guard fd >= 0 else { throw SlurmError(.commandFailed, "cannot create a temporary file for command output") }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    private static func readAll(_ handle: FileHandle) -> String {
        // try?: reading back a temporary file we wrote; a failure shows as empty output in the message
        _ = try? handle.seek(toOffset: 0)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

import Foundation
import Testing
import SPFEngine

/// What a command started by `CommandRunner` inherits: its standard streams, and neither another descriptor nor a
/// blocked or ignored signal. The tests
/// start Slurm through `CommandRunner` (scripts/slurm-local.sh start) while other tests read children's
/// output through pipes; a daemon that inherited such a pipe's write end kept it open for ever, and the
/// reader beside it waited for end-of-file until CI's time limit (stop 29).
@Suite struct CommandRunnerInheritanceTests {
    @Test func aCommandInheritsNoDescriptorBeyondItsStandardStreams() throws {
        let pipe = Pipe()
        let write = pipe.fileHandleForWriting.fileDescriptor
        // Foundation's Pipe has no close-on-exec: without closefrom the command would see it.
        #expect(fcntl(write, F_GETFD) & FD_CLOEXEC == 0)
        let result = try CommandRunner(timeout: 30).run(["/bin/sh", "-c", "[ -e /proc/$$/fd/\(write) ] && echo open || echo closed"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "closed", "\(result.stdout)")
        try pipe.fileHandleForReading.close()
        try pipe.fileHandleForWriting.close()
    }

    @Test func aDaemonStartedByACommandDoesNotHoldAnotherThreadsPipeOpen() throws {
        let pipe = Pipe()
        let marker = "spfflow-descriptor-test-\(UUID().uuidString.prefix(8))"
        // A command that leaves a process behind, as `slurm-local.sh start` leaves slurmd.
        let result = try CommandRunner(timeout: 30).run(["/bin/bash", "-c", "exec -a \(marker) sleep 20 >/dev/null 2>&1 </dev/null &"])
        #expect(result.status == 0, "\(result.stderr)")
        defer { _ = try? CommandRunner(timeout: 10).run(["pkill", "-f", marker]) }
        try pipe.fileHandleForWriting.close()
        // With our write end closed, the read end is at end-of-file unless the daemon holds a copy.
        var poller = pollfd(fd: pipe.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, 10_000)
        #expect(ready == 1, "the pipe's reader saw no end-of-file within 10 s: the left-behind process holds its write end")
        var byte: UInt8 = 0
        #expect(read(pipe.fileHandleForReading.fileDescriptor, &byte, 1) == 0)
        try pipe.fileHandleForReading.close()
    }

    @Test func aCommandStartsWithNoSignalBlockedOrIgnored() throws {
        // This thread blocks SIGTERM, as a Dispatch worker does; this process ignores SIGPIPE, as Swift programs do.
        var term = sigset_t(), previous = sigset_t()
        sigemptyset(&term)
        sigaddset(&term, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &term, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        let result = try CommandRunner(timeout: 30).run(["/bin/cat", "/proc/self/status"])
        let lines = result.stdout.split(separator: "\n").filter { $0.hasPrefix("SigBlk:") || $0.hasPrefix("SigIgn:") }
        #expect(lines.count == 2, "\(result.stdout)")
        for line in lines {
            let mask = line.split(separator: "\t").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            // The standard signals 1-31 (bits 0-30); glibc reserves 32 and 33 for itself and posix_spawn leaves them.
            #expect(UInt64(mask, radix: 16).map { $0 & 0x7fff_ffff } == 0, "\(line)")
        }
    }
}

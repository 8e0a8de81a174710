import Foundation
import Synchronization

/// Catches SIGINT and SIGTERM for the driver: instead of dying, the driver sees `signal` on its next
/// poll and cancels its jobs (asking first on a terminal for Ctrl-C).
public final class InterruptMonitor: Sendable {
    private let received = Mutex<Int32?>(nil)
    private let sources = Mutex<[DispatchSourceSignal]>([])

    /// Makes a monitor; `start()` installs the handlers.
    public init() {}

    /// The first signal received, if any.
    public var signal: Int32? { received.withLock { $0 } }

    /// Records `signal` as received (what the handlers call; tests may call it too).
    public func raise(_ signal: Int32) {
        received.withLock { if $0 == nil { $0 = signal } }
    }

    /// Installs handlers for SIGINT and SIGTERM (the default actions are ignored while installed).
    public func start() {
        sources.withLock { list in
            for sig in [SIGINT, SIGTERM] {
                Foundation.signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { [weak self] in self?.raise(sig) }
                source.resume()
                list.append(source)
            }
        }
    }

    /// Removes the handlers and restores the default actions.
    public func stop() {
        sources.withLock { list in
            for source in list { source.cancel() }
            list.removeAll()
        }
        Foundation.signal(SIGINT, SIG_DFL)
        Foundation.signal(SIGTERM, SIG_DFL)
    }

    /// Asks on the terminal whether to cancel `count` jobs; true unless the answer starts with n/N.
    /// Without a terminal on stdin it does not ask and returns true.
    public static func confirmCancel(count: Int) -> Bool {
        guard isatty(STDIN_FILENO) == 1 else { return true }
        StandardStreams.error("\nspfflow: interrupted. Cancel the \(count) Slurm job(s) of this run? [Y/n] ")
        guard let answer = readLine() else { return true }
        return !answer.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("n")
    }
}

import Foundation

/// How `run` shows live progress.
public enum ProgressMode: String, Sendable, CaseIterable {
    /// A bar redrawn in place when stdout is a terminal, else plain lines.
    case auto
    /// Always the redrawn bar.
    case bar
    /// Periodic plain lines (for logs and batch jobs).
    case plain
    /// Only the per-node result lines.
    case none
}

/// Prints per-node results and live progress of running nodes: a bar line redrawn on a terminal,
/// or a plain `progress:` line per running node every `interval` seconds otherwise.
package final class ProgressDisplay: NodeEventSink, @unchecked Sendable {
    private struct Running {
        var started: Date
        var fraction: Double?
        var message: String
        var waitingFor: String?
    }

    private let lock = NSLock()
    private let bar: Bool
    private let quiet: Bool
    private let interval: Double
    private var running: [String: Running] = [:]
    private var order: [String] = []
    private var done = 0
    private let total: Int
    private var barShown = false
    private var active = false
    private var timer: DispatchSourceTimer?
    private var lastPlain = Date()

    /// Makes a display for a run of `total` nodes to compute.
    package init(mode: ProgressMode, total: Int, interval: Double) {
        let tty = isatty(STDOUT_FILENO) == 1
        switch mode {
        case .auto: bar = tty; quiet = false
        case .bar: bar = true; quiet = false
        case .plain: bar = false; quiet = false
        case .none: bar = false; quiet = true
        }
        self.total = total
        self.interval = max(0.1, interval)
    }

    /// Starts the periodic refresh.
    package func start() {
        guard !quiet else { return }
        lock.withLock { active = true }
        let t = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        let period = bar ? 0.2 : min(interval, 1.0)
        t.schedule(deadline: .now() + period, repeating: period)
        t.setEventHandler { [weak self] in self?.tick() }
        t.resume()
        timer = t
    }

    /// Stops refreshing and clears the bar.
    package func stop() {
        timer?.cancel()
        timer = nil
        lock.withLock {
            active = false
            clearBarLocked()
        }
    }

    /// A node started computing.
    package func started(_ node: String) {
        lock.withLock {
            running[node] = Running(started: Date(), fraction: nil, message: "", waitingFor: nil)
            order.append(node)
        }
    }

    /// A node finished (its result line is printed by `line`).
    package func finished(_ node: String) {
        lock.withLock {
            running[node] = nil
            order.removeAll { $0 == node }
            done += 1
        }
    }

    /// Prints a line above the bar.
    package func line(_ text: String) {
        lock.withLock {
            clearBarLocked()
            StandardStreams.out(text + "\n")
            if bar && active { drawBarLocked() }
        }
    }

    package func progress(node: String, fraction: Double, message: String) {
        lock.withLock {
            running[node]?.fraction = fraction
            running[node]?.message = message
        }
    }

    package func waiting(node: String, holder: String) {
        lock.withLock { running[node]?.waitingFor = holder }
        line("waiting   \(node)  (\(holder) is computing it)")
    }

    private func tick() {
        lock.withLock {
            if bar {
                if active { drawBarLocked() }
            } else if Date().timeIntervalSince(lastPlain) >= interval {
                lastPlain = Date()
                var text = ""
                for id in order {
                    guard let r = running[id] else { continue }
                    let elapsed = Date().timeIntervalSince(r.started)
                    let pct = r.fraction.map { String(format: "%5.1f%%", $0 * 100) } ?? "  ...."
                    text += "progress  \(id)  \(pct)  \(r.message)  (\(Self.duration(elapsed)))\n"
                }
                if !text.isEmpty { StandardStreams.out(text) }
            }
        }
    }

    private func drawBarLocked() {
        let width = 24
        let frac = total == 0 ? 1 : Double(done) / Double(total)
        let filled = Int((frac * Double(width)).rounded(.down))
        var text = "[" + String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled) + "] \(done)/\(total)"
        for id in order.prefix(3) {
            guard let r = running[id] else { continue }
            let pct = r.fraction.map { String(format: " %.0f%%", $0 * 100) } ?? ""
            text += " · \(id)\(pct)\(r.message.isEmpty ? "" : " \(r.message)")"
        }
        if order.count > 3 { text += " · +\(order.count - 3)" }
        if text.count > 160 { text = String(text.prefix(157)) + "..." }
        StandardStreams.out("\r\u{1B}[2K" + text)
        barShown = true
    }

    private func clearBarLocked() {
        guard barShown else { return }
        StandardStreams.out("\r\u{1B}[2K")
        barShown = false
    }

    /// `1.23s`, `2m05s`, `1h02m`.
    package static func duration(_ s: Double) -> String {
        if s < 60 { return String(format: "%.2fs", s) }
        if s < 3600 { return String(format: "%dm%02ds", Int(s) / 60, Int(s) % 60) }
        return String(format: "%dh%02dm", Int(s) / 3600, (Int(s) % 3600) / 60)
    }
}

import Foundation
import Pipelines
import Testing

/// `eval.report`'s `publish_dir`: the report directory is copied and swapped in, replacing the previous copy.
@Test func reportPublishReplacesThePreviousCopy() throws {
    let fm = FileManager.default
    let root = fm.temporaryDirectory.appendingPathComponent("report-publish-\(UUID().uuidString)")
    defer { try? fm.removeItem(at: root) }
    let first = root.appendingPathComponent("a"), second = root.appendingPathComponent("b")
    let target = root.appendingPathComponent("published/report")
    for (dir, text) in [(first, "one"), (second, "two")] {
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: dir.appendingPathComponent("index.html"))
    }
    try Data("stale".utf8).write(to: first.appendingPathComponent("old.svg"))
    try WriteReport.publish(first, to: target)
    #expect(try String(contentsOf: target.appendingPathComponent("index.html"), encoding: .utf8) == "one")
    try WriteReport.publish(second, to: target)
    #expect(try String(contentsOf: target.appendingPathComponent("index.html"), encoding: .utf8) == "two")
    #expect(!fm.fileExists(atPath: target.appendingPathComponent("old.svg").path))
    #expect(try fm.contentsOfDirectory(atPath: target.deletingLastPathComponent().path) == ["report"])
}

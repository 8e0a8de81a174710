import Foundation
import Testing

/// The attribute and dataset names of the objects the kinds pass each other live in the object types
/// (`Pipelines/Objects`), which write and read them: no kind names one. Checked on the sources, so a kind
/// that writes `out.setAttribute("x", …)` or reads `object.readFloats("x")` fails here, naming file and line.
@Suite struct ObjectNamesTests {
    static let pipelines = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Pipelines")

    /// The store calls whose first argument is an attribute or dataset name.
    static let calls = ["setAttribute(\"", ".attribute(\"", "attributes[\"", ".write(\"", "readFloats(\"", "readDoubles(\"",
                        "readInt32s(\"", "readInt64s(\"", ".read(\"", "readRows(\"", "beginDataset(\"", "shape(of: \"",
                        "elementType(of: \"", "datasetNames.contains(\""]

    /// No exceptions: the engine's provenance names are `ObjectProvenance.Attribute`'s, and the `maps` input's are
    /// `ForcingMapsObject`'s.
    static func allowed(_ file: String, _ name: String) -> Bool { false }

    /// `file:line: name` of every attribute or dataset name written in a kind's source.
    static func namesOutsideObjectTypes() throws -> [String] {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: pipelines.path) else { return ["cannot list \(pipelines.path)"] }
        var found: [String] = []
        for case let relative as String in walker where relative.hasSuffix(".swift") {
            // The object types hold the names; the test-only kinds are not part of the pipeline.
            if relative.hasPrefix("Objects/") || relative.hasPrefix("test/") { continue }
            let text = try String(contentsOf: pipelines.appendingPathComponent(relative), encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for call in calls {
                    var rest = line[...]
                    while let r = rest.range(of: call) {
                        rest = rest[r.upperBound...]
                        let name = String(rest.prefix { $0 != "\"" })
                        if !allowed(relative, name) { found.append("\(relative):\(n + 1): \(name)") }
                    }
                }
            }
        }
        return found.sorted()
    }

    @Test func kindsNameNoAttributeOrDataset() throws {
        let found = try Self.namesOutsideObjectTypes()
        #expect(found.isEmpty, "attribute or dataset names outside Pipelines/Objects (move them into the object's type):\n\(found.joined(separator: "\n"))")
    }

    @Test func theCheckSeesTheObjectTypes() throws {
        // The object types themselves are skipped, not unreadable: they exist and hold the names.
        let objects = Self.pipelines.appendingPathComponent("Objects")
        let files = try FileManager.default.contentsOfDirectory(atPath: objects.path).filter { $0.hasSuffix(".swift") }
        #expect(files.count >= 9, "\(files)")
        let shard = try String(contentsOf: objects.appendingPathComponent("ShardSetObject.swift"), encoding: .utf8)
        #expect(shard.contains("static let forcingNames = \"forcing_names\""))
    }
}

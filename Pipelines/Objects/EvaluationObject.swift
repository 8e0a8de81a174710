import Evaluation
import Foundation
import SPFEngine

/// The `evaluation` object `eval.evaluate` stores; read by `eval.report` and, for its figure lines, by
/// `spfflow run`.
///
/// Attributes: `skill` (JSON list of skill records), `figures` (the headline `figure` lines, which
/// `spfflow run` prints at its end), `sampling` (JSON seconds per 10-year trajectory per generative model),
/// `floor_note` (why there is no floor, when a held-out scenario has one member; absent otherwise).
/// Dataset `record_count` (int64 [1]).
enum EvaluationObject {
    /// The schema inputs declare to take this object.
    static let schema = ObjectSchema("evaluation", "skill scores, eval.evaluate")

    /// Attribute names.
    enum Attribute {
        static let skill = "skill"
        static let figures = "figures"
        static let sampling = "sampling"
        static let floorNote = "floor_note"
    }

    /// Dataset names.
    enum Dataset {
        static let recordCount = "record_count"
    }

    static func write(records: [SkillRecord], figureLines: [String], sampling: [String: Double], floorNote: String? = nil,
                      to out: ObjectWriter) throws {
        if let floorNote { try out.setAttribute(Attribute.floorNote, floorNote) }
        try out.setAttribute(Attribute.skill, try ObjectJSON.json(records))
        try out.setAttribute(Attribute.figures, figureLines.joined(separator: "\n"))
        try out.setAttribute(Attribute.sampling, try ObjectJSON.json(sampling))
        try out.write(Dataset.recordCount, shape: [1], values: [Int64(records.count)])
    }

    /// The skill records.
    static func records(_ object: StoredObject, node: String) throws -> [SkillRecord] {
        try ObjectJSON.decode([SkillRecord].self, attribute: Attribute.skill, of: object, node: node)
    }

    /// Why there is no floor (nil when every ESM has one).
    static func floorNote(_ object: StoredObject) -> String? {
        object.attribute(Attribute.floorNote).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The headline `figure` lines, one per line ("" when there are none).
    static func figures(_ object: StoredObject) -> String { object.attribute(Attribute.figures) ?? "" }

    /// Seconds per 10-year trajectory per generative model and timescale; nil when not recorded or unreadable.
    static func sampling(_ object: StoredObject) -> [String: Double]? {
        guard let text = object.attribute(Attribute.sampling) else { return nil }
        // try?: the sampling times only add a cost line to the report; an unreadable record leaves it out
        return try? JSONDecoder().decode([String: Double].self, from: Data(text.utf8))
    }
}

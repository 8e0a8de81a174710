/// The kind of object one node passes another (a curated field, a trained model, an ensemble
/// product...). Kinds declare the schema of each output (``NodeKind/outputSchemas``) and the schemas
/// each input takes (``InputSpec/schemas``); the manifest loader checks every wire before anything
/// runs, so a merge node wired to a training output is refused at load, naming both ends.
///
/// The engine knows schemas only by name; `Pipelines` declares the catalogue of its objects.
public struct ObjectSchema: Sendable, Hashable, CustomStringConvertible {
    /// Short identifier, for example "trained-model".
    public let name: String
    /// What the object holds, in a few words ("a trained emulator (spf.train)").
    public let summary: String

    /// Declares a schema.
    public init(_ name: String, _ summary: String) {
        self.name = name
        self.summary = summary
    }

    /// `name` (summary).
    public var description: String { "\(name) (\(summary))" }
}

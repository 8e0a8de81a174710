import Foundation
import SPFEngine
import SPFModel

/// The `sampler-state` object `spf.stage` stores: a pyramid stage's end state for a block of members;
/// read by the next stage and by `spf.merge`.
///
/// Dataset `latent` (float32, flattened); attributes `state` (JSON sampler state) and `seconds` (wall time of
/// this stage plus the share of the earlier stages it branches off).
enum SamplerStateObject {
    /// The schema inputs declare to take this object.
    static let schema = ObjectSchema("sampler-state", "a pyramid stage's end state, spf.stage")

    /// Attribute names.
    enum Attribute {
        static let state = "state"
        static let seconds = "seconds"
    }

    /// Dataset names.
    enum Dataset {
        static let latent = "latent"
    }

    static func write(_ state: SamplerState, seconds: Double, to writer: ObjectWriter) throws {
        try writer.write(Dataset.latent, shape: [state.latent.count], values: state.latent)
        try writer.setAttribute(Attribute.state, try state.metadataJSON())
        try writer.setAttribute(Attribute.seconds, String(seconds))
    }

    /// The state and the sampling seconds behind it.
    static func read(_ object: StoredObject, node: String) throws -> (SamplerState, Double) {
        guard let meta = object.attribute(Attribute.state) else { throw EngineError(.nodeFailed, "input is not a sampler state", node: node) }
        let latent = try object.readFloats(Dataset.latent).values
        return (try SamplerState.restore(metadataJSON: meta, latent: latent), seconds(object))
    }

    /// The state's metadata alone (its latent is not read).
    static func info(_ object: StoredObject, node: String) throws -> SamplerStateInfo {
        try ObjectJSON.decode(SamplerStateInfo.self, attribute: Attribute.state, of: object, node: node)
    }

    /// The sampling seconds behind the state (0 when not recorded).
    static func seconds(_ object: StoredObject) -> Double { Double(object.attribute(Attribute.seconds) ?? "") ?? 0 }
}

import Foundation

/// Small Codable metadata of a between-stage sampler state.
public struct SamplerStateInfo: Codable, Sendable, Equatable {
    /// The pyramid the state belongs to.
    public var config: PyramidConfig
    /// The path being sampled.
    public var path: PyramidPath
    /// The request (period, timescale, members, seed).
    public var request: SamplingRequest
    /// Last completed stage (−1: nothing sampled yet).
    public var completedStage: Int
    /// Shape of `latent` [I, T, C, h, w].
    public var shape: FieldShape
    /// Member index of every item; [I].
    public var itemMember: [Int]
    /// Absolute month where every item's first frame starts; [I].
    public var itemFrameStart: [Int]
    /// Normals drawn so far from each stage's streams (one stream per item and stage; offset = 0 start).
    public var rngStreamPositions: [Int]
}

/// The explicit, serialisable state between two SPF stages: latent at the end of a stage plus metadata.
///
/// Running stage k from a state is a pure function of (state, forcing, network); the pipeline stores a
/// state as named arrays (`namedArrays`) plus a JSON attribute (`metadataJSON`).
public struct SamplerState: Sendable, Equatable {
    /// Metadata.
    public var info: SamplerStateInfo
    /// Latent at the end of `info.completedStage`, [I, T, C, h, w] (empty before stage 0).
    public var latent: [Float]

    /// Creates a state.
    public init(info: SamplerStateInfo, latent: [Float]) {
        self.info = info
        self.latent = latent
    }

    /// Named arrays: "latent" (Float, [I,T,C,h,w]), "item_member" and "item_frame_start" (Int64, [I]).
    public func namedArrays() -> [String: (shape: [Int], values: [Float])] {
        ["latent": (info.shape.dims, latent)]
    }

    /// Integer arrays of the state: member and frame start of every item.
    public func namedIntegerArrays() -> [String: (shape: [Int], values: [Int64])] {
        ["item_member": ([info.itemMember.count], info.itemMember.map { Int64($0) }),
         "item_frame_start": ([info.itemFrameStart.count], info.itemFrameStart.map { Int64($0) })]
    }

    /// The metadata as a JSON string (sorted keys, stable).
    public func metadataJSON() throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let data = try enc.encode(info)
        return String(decoding: data, as: UTF8.self)
    }

    /// Rebuilds a state from its metadata JSON and latent array; checks consistency.
    public static func restore(metadataJSON: String, latent: [Float]) throws -> SamplerState {
        let info: SamplerStateInfo
        do {
            info = try JSONDecoder().decode(SamplerStateInfo.self, from: Data(metadataJSON.utf8))
        } catch {
            throw SPFModelError(.invalidState, "sampler state metadata does not decode: \(error)")
        }
        guard latent.count == (info.completedStage < 0 ? 0 : info.shape.count) else {
            throw SPFModelError(.invalidState, "latent has \(latent.count) values, metadata says shape \(info.shape.dims)")
        }
        guard info.itemMember.count == info.shape.items, info.itemFrameStart.count == info.shape.items else {
            throw SPFModelError(.invalidState, "item tables do not match \(info.shape.items) items")
        }
        return SamplerState(info: info, latent: latent)
    }
}

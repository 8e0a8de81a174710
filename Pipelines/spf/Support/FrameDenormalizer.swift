import SPFModel

/// Turns one ESM's sampled frames back into physical units, the step `spf.merge` and `spf.sample-baseline` share.
///
/// A frame's expected field (the ESM's seasonal climatology, plus its forced pattern when the climatology follows
/// the forcing) depends only on when the frame starts, and the ESM's scale only on the ESM, so both are computed
/// once and reused for every member of the ensemble.
struct FrameDenormalizer {
    let normalizer: Normalizer
    let source: Int
    let monthsPerFrame: Int
    let plane: Int
    let forcing: ForcingSeries?
    private let scale: [Float]
    private var offsets: [Int: [Float]] = [:]

    /// A de-normaliser for frames of `monthsPerFrame` months of ESM `source` on a grid of `plane` cells.
    init(normalizer: Normalizer, source: Int, monthsPerFrame: Int, plane: Int, forcing: ForcingSeries?) throws {
        self.normalizer = normalizer
        self.source = source
        self.monthsPerFrame = monthsPerFrame
        self.plane = plane
        self.forcing = forcing
        self.scale = try normalizer.scale(source: source, plane: plane)
    }

    /// The physical values `[C, plane]` of the normalised frame `latent` that starts at absolute month `start`.
    mutating func physical(_ latent: ArraySlice<Float>, start: Int) throws -> [Float] {
        let offset: [Float]
        if let cached = offsets[start] {
            offset = cached
        } else {
            offset = try normalizer.frameOffset(source: source, start: start, months: monthsPerFrame, plane: plane, forcing: forcing)
            offsets[start] = offset
        }
        return try normalizer.denormalizeFrame(latent, offset: offset, scale: scale)
    }
}

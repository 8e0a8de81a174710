/// The flow-time window [S, E] of one stage and the jump-point renoising coefficients into it.
///
/// For a jump with block size n from a stage that ended at E' (spf-method.md §1.3):
/// S = E' / (√n (1 − E') + E'),  A = 1 / (√n (1 − E') + E'),  B = 1 − S;
/// x_start = A · Up(x_end) + B · (z − BlockMean(z)).
public struct StageWindow: Codable, Sendable, Equatable {
    /// Flow time at the start of the stage (0 for the first stage).
    public let start: Double
    /// Flow time at the end of the stage.
    public let end: Double
    /// Block size n of the jump into this stage (1 for the first stage).
    public let blockSize: Int

    /// Creates a window directly.
    public init(start: Double, end: Double, blockSize: Int) {
        self.start = start
        self.end = end
        self.blockSize = blockSize
    }

    /// The window of a stage entered by a jump of block size n from a stage that ended at `previousEnd`.
    public static func after(previousEnd: Double, end: Double, blockSize: Int) -> StageWindow {
        let denom = Double(blockSize).squareRoot() * (1 - previousEnd) + previousEnd
        return StageWindow(start: previousEnd / denom, end: end, blockSize: blockSize)
    }

    /// Scale applied to the upsampled previous latent: A = S / E'.
    public func renoiseScale(previousEnd: Double) -> Double { previousEnd > 0 ? start / previousEnd : 0 }
    /// Scale of the block-zero-mean noise: B = 1 − S.
    public var renoiseNoiseScale: Double { 1 - start }
    /// Global flow time at local time u ∈ [0, 1].
    public func tau(local u: Double) -> Double { start + u * (end - start) }
}

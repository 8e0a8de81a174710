import Foundation

/// Learning rate by step: linear warm-up, then constant or cosine decay to a floor.
public struct LearningRateSchedule: Sendable, Equatable, Codable {
    /// What follows the warm-up.
    public enum Decay: String, Sendable, Equatable, Codable {
        /// Stay at the peak rate.
        case constant
        /// Half-cosine from the peak to `minimum` at `totalSteps`.
        case cosine
    }

    /// Peak learning rate.
    public let peak: Double
    /// Steps of linear warm-up from 0 (step 0 gets `peak / warmupSteps`).
    public let warmupSteps: Int
    /// Total steps (end of the cosine).
    public let totalSteps: Int
    /// Decay after warm-up.
    public let decay: Decay
    /// Floor of the cosine.
    public let minimum: Double

    /// A validated schedule.
    public init(peak: Double, warmupSteps: Int = 0, totalSteps: Int = 1, decay: Decay = .constant,
                minimum: Double = 0) throws(TensorError) {
        guard peak > 0, warmupSteps >= 0, totalSteps >= 1, minimum >= 0, minimum <= peak else {
            throw TensorError(.invalidConfiguration,
                              "schedule needs peak > 0, warm-up ≥ 0, total ≥ 1, 0 ≤ minimum ≤ peak; got \(peak), \(warmupSteps), \(totalSteps), \(minimum)")
        }
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        self.decay = decay
        self.minimum = minimum
    }

    /// The learning rate for 0-based `step`.
    public func rate(at step: Int) -> Float {
        if step < warmupSteps { return Float(peak * Double(step + 1) / Double(warmupSteps)) }
        switch decay {
        case .constant: return Float(peak)
        case .cosine:
            let span = max(1, totalSteps - warmupSteps)
            let progress = min(1, Double(step - warmupSteps) / Double(span))
            return Float(minimum + 0.5 * (peak - minimum) * (1 + Foundation.cos(Double.pi * progress)))
        }
    }
}

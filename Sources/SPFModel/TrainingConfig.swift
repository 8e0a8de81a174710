import Foundation
import TensorCore

/// Optimisation and sampling-of-examples settings (value type, Codable).
public struct TrainingConfig: Codable, Sendable, Equatable {
    /// Total optimiser steps.
    public var steps: Int
    /// Examples per step (stages assigned round-robin so every batch mixes stages; paths drawn uniformly).
    public var batchSize: Int
    /// Peak learning rate.
    public var learningRate: Double
    /// Linear warm-up steps.
    public var warmupSteps: Int
    /// Cosine decay to `finalLearningRateFraction`·lr after warm-up (false: constant).
    public var cosineDecay: Bool
    /// Final fraction of the learning rate under cosine decay.
    public var finalLearningRateFraction: Double
    /// AdamW β1.
    public var beta1: Double
    /// AdamW β2.
    public var beta2: Double
    /// Decoupled weight decay.
    public var weightDecay: Double
    /// Global gradient-norm clip (0 disables).
    public var gradientClip: Double
    /// EMA decay (with the usual (1+n)/(10+n) warm-up).
    public var emaDecay: Double
    /// Seed of parameter initialisation and of every example draw.
    public var seed: UInt64
    /// Decades are aligned to this year.
    public var decadeOriginYear: Int

    /// Creates a configuration (defaults follow prototype-notes.md: lr 1e-3, warm-up, cosine, EMA 0.999, clip 1).
    public init(steps: Int, batchSize: Int = 16, learningRate: Double = 1e-3, warmupSteps: Int = 50, cosineDecay: Bool = true,
                finalLearningRateFraction: Double = 0.1, beta1: Double = 0.9, beta2: Double = 0.95, weightDecay: Double = 1e-4,
                gradientClip: Double = 1, emaDecay: Double = 0.999, seed: UInt64 = 0, decadeOriginYear: Int = 2015) {
        self.steps = steps
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.warmupSteps = warmupSteps
        self.cosineDecay = cosineDecay
        self.finalLearningRateFraction = finalLearningRateFraction
        self.beta1 = beta1
        self.beta2 = beta2
        self.weightDecay = weightDecay
        self.gradientClip = gradientClip
        self.emaDecay = emaDecay
        self.seed = seed
        self.decadeOriginYear = decadeOriginYear
    }

    /// The learning-rate schedule: linear warm-up, then cosine decay to `finalLearningRateFraction`·lr (or constant).
    public func schedule() throws -> LearningRateSchedule {
        do {
            return try LearningRateSchedule(peak: learningRate, warmupSteps: warmupSteps, totalSteps: max(steps, 1),
                                            decay: cosineDecay && steps > warmupSteps ? .cosine : .constant,
                                            minimum: finalLearningRateFraction * learningRate)
        } catch {
            throw SPFModelError(.invalidConfiguration, "learning-rate schedule: \(error)")
        }
    }

    /// AdamW hyper-parameters (ε 1e-8).
    public func adamW() throws -> AdamWConfiguration {
        do { return try AdamWConfiguration(beta1: Float(beta1), beta2: Float(beta2), epsilon: 1e-8, weightDecay: Float(weightDecay)) } catch {
            throw SPFModelError(.invalidConfiguration, "AdamW: \(error)")
        }
    }

    /// Checks the values.
    public func validate() throws {
        guard steps >= 0, batchSize >= 1, learningRate > 0, warmupSteps >= 0 else {
            throw SPFModelError(.invalidConfiguration, "training config needs steps ≥ 0, batch ≥ 1, lr > 0")
        }
        guard (0..<1).contains(beta1), (0..<1).contains(beta2), (0...1).contains(emaDecay) else {
            throw SPFModelError(.invalidConfiguration, "betas must lie in [0, 1) and EMA decay in [0, 1]")
        }
        guard (0...1).contains(finalLearningRateFraction), weightDecay >= 0, gradientClip >= 0 else {
            throw SPFModelError(.invalidConfiguration, "final learning-rate fraction must lie in [0, 1], weight decay and clip ≥ 0")
        }
    }
}

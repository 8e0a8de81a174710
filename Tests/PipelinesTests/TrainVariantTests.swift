import Foundation
import Pipelines
import SPFEngine
import SPFModel
import Testing

/// `spf.train`'s `solver_steps` per variant: one count per stage, one number for the flat flow, and a
/// clear error (naming the node) instead of a silent default for anything else.
@Suite struct TrainVariantTests {
    func pyramid(_ variant: TrainEmulator.Variant, _ euler: [Int]) throws -> PyramidConfig {
        try TrainEmulator.pyramid(variant: variant, height: 16, width: 32, variables: ["tas", "pr"], euler: euler, node: "train-x")
    }

    @Test func eulerStepsPerStage() throws {
        #expect(try pyramid(.spf, [8, 8, 5]).stepsPerStage == [8, 8, 5])
        #expect(try pyramid(.ar, [4, 3, 2]).stepsPerStage == [4, 3, 2])
        #expect(try pyramid(.flat, [10]).stepsPerStage == [10])
        #expect(try pyramid(.flat, [8, 8, 6]).stepsPerStage == [22])
    }

    @Test(arguments: [(TrainEmulator.Variant.spf, [8, 8]), (.ar, [10]), (.flat, [5, 5]), (.spf, [8, 0, 8]), (.flat, [-1])])
    func badEulerStepsAreRefused(variant: TrainEmulator.Variant, euler: [Int]) {
        do {
            _ = try pyramid(variant, euler)
            Issue.record("solver_steps \(euler) accepted for \(variant)")
        } catch {
            #expect("\(error)".contains("train-x") && "\(error)".contains("solver_steps"), "\(error)")
        }
    }
}

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

    /// The pyramid follows the data: yearly shards train a decadal → yearly pyramid with no monthly stage.
    @Test func yearlyDataTrainADecadalYearlyPyramid() throws {
        let p = try TrainEmulator.pyramid(variant: .spf, height: 6, width: 10, variables: ["tas"], euler: [8, 8, 4], node: "train-x", data: .yearly)
        #expect(p.timescales == [.decadal, .yearly])
        #expect(p.stageCount == 2 && p.spatialFactors == [[2, 2]] && p.stepsPerStage == [8, 8])
        #expect(p.paths.map { $0.name(in: p) } == ["DD", "DY"])
        try p.validate()
        #expect(try TrainEmulator.pyramid(variant: .spf, height: 6, width: 10, variables: ["tas"], euler: [5, 3], node: "train-x", data: .yearly).stepsPerStage == [5, 3])
        let monthly = try pyramid(.spf, [8, 8, 8])
        #expect(monthly.timescales == [.decadal, .yearly, .monthly])
        let flat = try TrainEmulator.pyramid(variant: .flat, height: 6, width: 10, variables: ["tas"], euler: [8], node: "train-x", data: .yearly)
        #expect(flat.timescales == [.yearly] && flat.stage0Frames == 10)
    }

    /// What the grid must divide by: the pyramid's factor (×4 for three stages, ×2 for the yearly two) and the patches.
    @Test func gridDivisors() {
        #expect(TrainEmulator.gridDivisor(variant: .spf, data: .monthly, patch: 4, forcingPatch: 4) == 4)
        #expect(TrainEmulator.gridDivisor(variant: .spf, data: .yearly, patch: 1, forcingPatch: 1) == 2)
        #expect(TrainEmulator.gridDivisor(variant: .spf, data: .yearly, patch: 3, forcingPatch: 3) == 6)
        #expect(TrainEmulator.gridDivisor(variant: .flat, data: .monthly, patch: 2, forcingPatch: 8) == 8)
    }
}

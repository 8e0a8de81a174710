import Pipelines
import SPFEngine
import SPFModel
import Testing

/// The sampling-time params of `spf.stage` and `spf.sample-baseline`: the ODE solver and the per-stage step
/// counts, parsed the same way by both kinds, with errors that name the node and the param.
@Suite struct SamplingParamsTests {
    @Test func bothSamplingKindsTakeTheSolverAndTheStepCounts() {
        for params in [SampleStage.params, SampleBaseline.params] {
            let names = Set(params.map(\.name))
            #expect(names.contains("solver") && names.contains("solver_steps"))
            // Euler is the default, so a manifest without `solver` samples as it did before the param existed.
            #expect(params.first { $0.name == "solver" }?.defaultValue == .string("euler"))
        }
    }

    /// The solver and the timescales are enums: their cases are the declared choices, and a node's values come typed.
    @Test func solverAndTimescaleAreTypedChoices() throws {
        let solver = try #require(SampleStage.params.first { $0.name == "solver" })
        #expect(solver.constraints == [.oneOf(["euler", "midpoint"])])
        let target = try #require(SampleStage.params.first { $0.name == "target" })
        #expect(target.constraints == [.oneOf(["decadal", "yearly", "monthly"])] && target.defaultValue == nil)
        let merge = try #require(MergeEnsemble.params.first { $0.name == "timescale" })
        #expect(merge.constraints == [.oneOf(Timescale.allCases.map(\.rawValue))])
        var values = NodeParams(["stage": 1, "target": "monthly", "source_id": "CESM2", "scenario": "ssp245", "start_year": 2015,
                                 "years": 10, "member_start": 0, "member_count": 4, "antithetic": false, "solver_steps": [4, 4, 2],
                                 "solver": "midpoint"]).values
        let p = try SampleStage.Params.decode(NodeParams(values))
        #expect(p.solver == .midpoint && p.target == .monthly && p.solverSteps == [4, 4, 2] && p.stage == 1 && p.run.sourceID == "CESM2")
        // A value the loader would have refused is a kind-contract error naming the param, never a crash.
        values["solver"] = "heun"
        #expect(throws: ParamProblem.self) { try SampleStage.Params.decode(NodeParams(values)) }
        // Antithetic blocks hold whole pairs: checked across params when the manifest loads.
        values["solver"] = "euler"
        values["antithetic"] = true
        values["member_count"] = 3
        #expect(SampleStage.paramProblem(NodeParams(values))?.param == "member_count")
    }

    @Test func stepCountsOverrideTheModelsOwn() throws {
        let base = PyramidConfig.decadalYearlyMonthly(height: 16, width: 32, variables: ["tas", "pr"])
        #expect(try SampleStage.pyramid(base, steps: [], node: "n") == base)
        var expected = base
        expected.stepsPerStage = [4, 4, 2]
        #expect(try SampleStage.pyramid(base, steps: [4, 4, 2], node: "n") == expected)
        for bad in [[4, 4], [4, 0, 2]] {
            do {
                _ = try SampleStage.pyramid(base, steps: bad, node: "yearly-CESM2")
                Issue.record("solver_steps \(bad) accepted")
            } catch {
                #expect("\(error)".contains("yearly-CESM2") && "\(error)".contains("solver_steps"), "\(error)")
            }
        }
    }
}

/// The evaluation scores every product at its own and every coarser timescale; a later record replaces an earlier
/// one, so products go finest first and a timescale's figures come from that timescale's own product.
@Suite struct EvaluationProductOrderTests {
    @Test func nativeProductsAreScoredLast() {
        let products = ["yearly-A", "decadal-A", "monthly-A", "flat-monthly", "yearly-B"]
        let ordered = EvaluateSkill.finestFirst(products) { String($0.split(separator: "-").first { ["monthly", "yearly", "decadal"].contains($0) } ?? "") }
        #expect(ordered == ["monthly-A", "flat-monthly", "yearly-A", "yearly-B", "decadal-A"])
    }

    @Test func productKindsFloorPrByDefault() {
        for params in [MergeEnsemble.params, SampleBaseline.params, EvaluateSkill.params] {
            #expect(params.first { $0.name == "non_negative" }?.defaultValue == .list([.string("pr")]))
        }
        #expect(MergeEnsemble.inputs.contains { $0.name == "annual" && $0.optional })
    }
}

/// `spf.norm-stats` param `cell_std`: the variables it names are scaled per cell, in the shards' variable order;
/// an unknown variable or a missing climatology is an error that names the node and the param.
@Suite struct CellStdParamTests {
    @Test func namedVariablesAreFlaggedInTheShardsOrder() throws {
        #expect(NormalizationStats.params.first { $0.name == "cell_std" }?.defaultValue == .list([]))
        #expect(try NormalizationStats.perCellStd([], variables: ["tas", "pr"], climatology: .none, node: "norm") == [false, false])
        #expect(try NormalizationStats.perCellStd(["pr"], variables: ["tas", "pr"], climatology: .patternScaling, node: "norm") == [false, true])
        #expect(try NormalizationStats.perCellStd(["pr", "tas"], variables: ["tas", "pr"], climatology: .perCell, node: "norm") == [true, true])
    }

    @Test func unknownVariablesAndMissingClimatologiesAreNamed() {
        for (names, climatology, words) in [(["psl"], NormalizationStats.Climatology.patternScaling, ["psl", "tas, pr"]), (["pr"], .none, ["climatology", "none"])] {
            do {
                _ = try NormalizationStats.perCellStd(names, variables: ["tas", "pr"], climatology: climatology, node: "norm-suite")
                Issue.record("cell_std \(names) with climatology \(climatology) accepted")
            } catch {
                let text = "\(error)"
                #expect(text.contains("norm-suite") && text.contains("cell_std") && words.allSatisfy(text.contains), "\(text)")
            }
        }
    }
}

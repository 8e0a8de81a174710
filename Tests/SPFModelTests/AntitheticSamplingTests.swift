import Foundation
import Testing
import SPFModel

/// Antithetic member pairs: member 2k + 1 draws member 2k's noise negated at every stage; member 2k is the same
/// draw as without pairing, and a request written before pairs existed still decodes.
@Suite struct AntitheticSamplingTests {
    /// v = −x: a sampler that is linear in its noise, so a pair's outputs are exact mirror images.
    struct Decay: VelocityField {
        func velocity(_ x: [Float], tau: [Double], context: StageContext) throws -> [Float] { x.map { -$0 } }
    }

    @Test func oddMembersDrawTheirPartnersNoiseNegated() {
        for stage in 0..<3 {
            let even = PyramidSampler.memberNoise(seed: 9, member: 4, stage: stage, frameStart: 2025 * 12, count: 64, antithetic: true)
            let odd = PyramidSampler.memberNoise(seed: 9, member: 5, stage: stage, frameStart: 2025 * 12, count: 64, antithetic: true)
            let plainEven = PyramidSampler.memberNoise(seed: 9, member: 4, stage: stage, frameStart: 2025 * 12, count: 64, antithetic: false)
            let plainOdd = PyramidSampler.memberNoise(seed: 9, member: 5, stage: stage, frameStart: 2025 * 12, count: 64, antithetic: false)
            #expect(odd == even.map { -$0 })
            #expect(even == plainEven)
            #expect(plainOdd != odd && plainOdd != plainEven)
        }
        #expect(SamplingRequest.antitheticPartner(of: 6) == 7 && SamplingRequest.antitheticPartner(of: 7) == 6)
    }

    @Test func pairsMirrorThroughEveryStageAndEvenMembersAreUnchanged() throws {
        let p = TestFixtures.pyramid(steps: 2)
        let forcing = try TestFixtures.forcing(startYear: 2015, years: 20, slope: 1)
        let sampler = try PyramidSampler(config: p)
        func sample(_ antithetic: Bool) throws -> [Float] {
            let request = SamplingRequest(scenario: "s", startYear: 2025, years: 10, target: .monthly, members: [0, 1, 2, 3],
                                          source: 0, seed: 5, antithetic: antithetic)
            return try sampler.output(try sampler.sample(request, forcing: forcing, velocity: Decay())).values
        }
        let paired = try sample(true), plain = try sample(false)
        let n = paired.count / 4
        // Members 0 and 2 are the independent sampler's members 0 and 2; 1 and 3 are their mirror images.
        #expect(Array(paired[0..<n]) == Array(plain[0..<n]))
        #expect(Array(paired[(2 * n)..<(3 * n)]) == Array(plain[(2 * n)..<(3 * n)]))
        for pair in [0, 2] {
            let a = paired[(pair * n)..<((pair + 1) * n)], b = paired[((pair + 1) * n)..<((pair + 2) * n)]
            let worst = zip(a, b).map { abs($0 + $1) }.max() ?? .infinity
            #expect(worst < 1e-5, "pair (\(pair), \(pair + 1)) is not mirrored: max |a + b| = \(worst)")
        }
        #expect(Array(paired[n..<(2 * n)]) != Array(plain[n..<(2 * n)]))
    }

    @Test func requestsWrittenBeforePairsDecodeAsIndependentMembers() throws {
        let old = #"{"scenario":"ssp245","startYear":2015,"years":10,"target":"yearly","members":[0,1],"source":2,"seed":7,"decadeOriginYear":2015}"#
        let request = try JSONDecoder().decode(SamplingRequest.self, from: Data(old.utf8))
        #expect(!request.antithetic && request.members == [0, 1] && request.source == 2)
        var paired = request
        paired.antithetic = true
        let again = try JSONDecoder().decode(SamplingRequest.self, from: try JSONEncoder().encode(paired))
        #expect(again == paired)
    }

    @Test func negativeMembersAreRefused() throws {
        let request = SamplingRequest(scenario: "s", startYear: 2025, years: 10, target: .yearly, members: [-1, 0], source: 0, seed: 5)
        #expect(throws: SPFModelError.self) { try request.validate() }
    }
}

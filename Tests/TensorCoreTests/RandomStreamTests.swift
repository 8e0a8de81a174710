import Testing
import TensorCore

@Suite struct RandomStreamTests {
    /// Known-answer vectors of Philox-4x32-10 (Random123 distribution, kat_vectors).
    @Test func philoxKnownAnswers() {
        #expect(Philox.block(counter: SIMD4(0, 0, 0, 0), key: SIMD2(0, 0))
                == SIMD4(0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8))
        #expect(Philox.block(counter: SIMD4(repeating: 0xFFFF_FFFF), key: SIMD2(repeating: 0xFFFF_FFFF))
                == SIMD4(0x408F_276D, 0x41C8_3B0E, 0xA20B_C7C6, 0x6D54_51FD))
        #expect(Philox.block(counter: SIMD4(0x243F_6A88, 0x85A3_08D3, 0x1319_8A2E, 0x0370_7344),
                             key: SIMD2(0xA409_3822, 0x299F_31D0))
                == SIMD4(0xD16C_FE09, 0x94FD_CCEB, 0x5001_E420, 0x2412_6EA1))
    }

    @Test func normalsIndependentOfThreadsAndSplitting() {
        let a = Tensor(zeros: [10_001]), b = Tensor(zeros: [10_001])
        var r1 = RandomStream(seed: 42), r2 = RandomStream(seed: 42)
        r1.fillNormal(a, context: ComputeContext(threads: 1))
        r2.fillNormal(b, context: ComputeContext(threads: 2))
        #expect(a.toArray() == b.toArray())
        #expect(r1 == r2)
        // Moments of N(0,1).
        let v = a.toArray().map(Double.init)
        let mean = v.reduce(0, +) / Double(v.count)
        let variance = v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count)
        #expect(abs(mean) < 0.04)
        #expect(abs(variance - 1) < 0.05)
    }

    @Test func childStreamsAreIndependentOfDrawOrderAndResumable() throws {
        var parent = RandomStream(seed: 9)
        let c1 = parent.child(3)
        _ = parent.next()
        let c2 = parent.child(3)
        #expect(c1 == c2)
        #expect(parent.child(4) != c1)
        var a = c1
        let first = (0..<5).map { _ in a.next() }
        var resumed = try RandomStream(state: c1.state)
        #expect((0..<5).map { _ in resumed.next() } == first)
        #expect(resumed == a)
    }

    @Test func uniformsInRange() {
        let t = Tensor(zeros: [4099])
        var r = RandomStream(seed: 1)
        r.fillUniform(t, low: -2, high: 3)
        let v = t.toArray()
        #expect(v.allSatisfy { $0 > -2 && $0 < 3 })
        let mean = v.reduce(0, +) / Float(v.count)
        #expect(abs(mean - 0.5) < 0.1)
    }
}

import Foundation
import Testing
import TensorCore

@Suite struct FieldOperatorTests {
    @Test func patchifyRoundTripsAndPlacesPatches() throws {
        let p = try Patchify(time: 4, channels: 2, height: 6, width: 8, patchTime: 2, patchHeight: 3, patchWidth: 2)
        let field = GradientCheck.random([2, 4, 2, 6, 8], seed: 1)
        let tokens = Tensor(zeros: [2, p.tokens, p.features]), back = Tensor(zeros: [2, 4, 2, 6, 8])
        p.patchify(field, into: tokens, context: ComputeContext(threads: 2))
        p.unpatchify(tokens, into: back, context: .serial)
        #expect(back.toArray() == field.toArray())
        #expect(p.tokens == 2 * 2 * 4 && p.features == 2 * 2 * 3 * 2)
        // Sample 1, token (t'=1, row 1, col 2), feature (c=1, dt=1, dy=2, dx=1) = field[1, 3, 1, 5, 5].
        let token = (1 * 2 + 1) * 4 + 2, feature = ((1 * 2 + 1) * 3 + 2) * 2 + 1
        let fieldIndex = (((1 * 4 + 3) * 2 + 1) * 6 + 5) * 8 + 5
        #expect(tokens[flat: (1 * p.tokens + token) * p.features + feature] == field[flat: fieldIndex])
        #expect(throws: TensorError.self) { try Patchify(time: 3, channels: 1, height: 4, width: 4, patchTime: 2, patchHeight: 2, patchWidth: 2) }
    }

    @Test func blockMeanAndNearestAreAdjointAndConsistent() throws {
        let r = try Resampling(timeFactor: 3, heightFactor: 2, widthFactor: 4)
        let fine = GradientCheck.random([2, 6, 2, 4, 8], seed: 1)
        let cs = try r.coarseShape(fine.shape)
        #expect(cs == [2, 2, 2, 2, 2])
        let coarse = Tensor(zeros: cs), up = Tensor(zeros: fine.shape)
        r.downsample(fine, into: coarse, context: ComputeContext(threads: 2))
        // Coarse cell (b1, t0, c1, y1, x0) = mean of fine over t 0..2, y 2..3, x 0..3.
        var s = 0.0
        for t in 0..<3 { for y in 2..<4 { for x in 0..<4 { s += Double(fine[flat: (((1 * 6 + t) * 2 + 1) * 4 + y) * 8 + x]) } } }
        #expect(abs(Double(coarse[flat: ((1 * 2 + 0) * 2 + 1) * 4 + 1 * 2 + 0]) - s / 24) < 1e-5)
        // Down(Up(c)) = c; block mean of (z − BlockMean z) = 0.
        r.upsample(coarse, into: up, context: .serial)
        let again = Tensor(zeros: cs)
        r.downsample(up, into: again, context: .serial)
        #expect(zip(again.toArray(), coarse.toArray()).allSatisfy { abs($0 - $1) < 1e-5 })
        let z = fine.clone()
        r.subtractBlockMean(z, scratch: Tensor(zeros: cs), context: ComputeContext(threads: 2))
        r.downsample(z, into: again, context: .serial)
        #expect(again.toArray().allSatisfy { abs($0) < 1e-5 })
        // Backward passes: ⟨Down x, g⟩ = ⟨x, Down*(g)⟩ and ⟨Up c, G⟩ = ⟨c, Up*(G)⟩.
        let g = GradientCheck.random(cs, seed: 2), dFine = Tensor(zeros: fine.shape)
        r.downsampleBackward(g, into: dFine, context: .serial)
        #expect(abs(GradientCheck.dot(coarse, g) - GradientCheck.dot(fine, dFine)) < 1e-3)
        let gf = GradientCheck.random(fine.shape, seed: 3), dCoarse = Tensor(zeros: cs)
        r.upsampleBackward(gf, into: dCoarse, context: .serial)
        #expect(abs(GradientCheck.dot(up, gf) - GradientCheck.dot(coarse, dCoarse)) < 1e-3)
    }

    @Test func sinusoidalEmbeddings() {
        let out = Tensor(zeros: [2, 8])
        SinusoidalEmbedding.timestep([0, 3], into: out)
        #expect(Array(out.toArray()[0..<8]) == [1, 1, 1, 1, 0, 0, 0, 0])
        #expect(abs(Double(out[flat: 8]) - cos(3.0)) < 1e-6 && abs(Double(out[flat: 12]) - sin(3.0)) < 1e-6)
        #expect(abs(Double(out[flat: 9]) - cos(3.0 * pow(10_000, -0.25))) < 1e-6)
        let grid = Tensor(zeros: [1, 8])
        SinusoidalEmbedding.grid(rows: [2], columns: [5], into: grid)
        #expect(abs(Double(grid[flat: 0]) - sin(2.0)) < 1e-6 && abs(Double(grid[flat: 4]) - sin(5.0)) < 1e-6)
        #expect(abs(Double(grid[flat: 3]) - cos(2.0 / 100)) < 1e-6)
    }

    /// The embeddings compute their frequencies once and a repeated flow time's row once (a block's members share it):
    /// every row must be the per-value definition's bits, repeated values and ±0 included.
    @Test func sinusoidalEmbeddingsGiveTheDefinitionsBits() {
        let values: [Float] = [500, 0, 500, -0.0, 37.25, 500, 0]
        let dim = 16, half = dim / 2
        let out = Tensor(zeros: [values.count, dim])
        SinusoidalEmbedding.timestep(values, into: out)
        var want: [Float] = []
        for x in values {
            let omegas = (0..<half).map { exp(-log(10_000.0) * Double($0) / Double(half)) }
            want += omegas.map { Float(cos(Double(x) * $0)) } + omegas.map { Float(sin(Double(x) * $0)) }
        }
        #expect(out.toArray().map(\.bitPattern) == want.map(\.bitPattern))
        let rows: [Float] = [0.5, 0.5, 1.5, 2.5], columns: [Float] = [0.5, 1.5, 0.5, 7.5], quarter = dim / 4
        let grid = Tensor(zeros: [rows.count, dim])
        SinusoidalEmbedding.grid(rows: rows, columns: columns, into: grid)
        var wantGrid: [Float] = []
        for n in rows.indices {
            for p in [rows[n], columns[n]] {
                let omegas = (0..<quarter).map { 1 / pow(10_000.0, Double($0) / Double(quarter)) }
                wantGrid += omegas.map { Float(sin(Double(p) * $0)) } + omegas.map { Float(cos(Double(p) * $0)) }
            }
        }
        #expect(grid.toArray().map(\.bitPattern) == wantGrid.map(\.bitPattern))
    }

    @Test func mseLossAndGradient() {
        let p = GradientCheck.random([3, 7], seed: 1), t = GradientCheck.random([3, 7], seed: 2), g = Tensor(zeros: [3, 7])
        let loss = MSELoss.forwardBackward(prediction: p, target: t, gradient: g, context: ComputeContext(threads: 2))
        let ref = (0..<21).reduce(0.0) { $0 + pow(Double(p[flat: $1] - t[flat: $1]), 2) } / 21
        #expect(abs(loss - ref) < 1e-6)
        func f() -> Double { MSELoss.forwardBackward(prediction: p, target: t, gradient: nil, context: .serial) }
        #expect(GradientCheck.worst(p, analytic: g.toArray(), epsilon: 1e-2, atol: 1e-4, loss: f) <= 1)
    }
}

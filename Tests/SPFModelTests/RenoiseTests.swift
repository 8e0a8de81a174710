import Testing
import SPFModel
import TensorCore

/// Jump-point renoising (spf-method.md Algorithm 3): at the next stage start, mean = S·Up(s), cov = (1−S)²·I.
@Suite struct RenoiseTests {
    /// (r_t, r_h, r_w) with n = 4, 40, 48.
    static let factors: [(Int, Int, Int)] = [(1, 2, 2), (10, 2, 2), (12, 2, 2)]

    @Test(arguments: [0, 1, 2], [1.0 / 3.0, 2.0 / 3.0])
    func nextStageStartMatchesClosedForm(factorIndex: Int, previousEnd: Double) throws {
        let (rt, rh, rw) = Self.factors[factorIndex]
        let n = rt * rh * rw
        let window = StageWindow.after(previousEnd: previousEnd, end: 1, blockSize: n)
        // Closed-form S from spf-method.md §1.3.
        let sExpected = previousEnd / (Double(n).squareRoot() * (1 - previousEnd) + previousEnd)
        #expect(abs(window.start - sExpected) < 1e-12)
        let a = window.renoiseScale(previousEnd: previousEnd), b = window.renoiseNoiseScale
        // Coarse: 2 cells (so two blocks at the fine level: within-block and cross-block covariance).
        let coarse = FieldShape(items: 1, frames: 1, channels: 1, height: 1, width: 2)
        let signal: [Float] = [0.8, -1.3]
        let rng = RandomStream(seed: 99)
        let draws = 20_000
        let fineCount = 2 * n
        var mean = [Double](repeating: 0, count: fineCount)
        var second = [Double](repeating: 0, count: fineCount * fineCount)
        for d in 0..<draws {
            var epsStream = rng.child(UInt64(d)).child(1), zStream = rng.child(UInt64(d)).child(2)
            let eps = epsStream.normals(count: 2)
            let xEnd = (0..<2).map { Float(previousEnd) * signal[$0] + Float(1 - previousEnd) * eps[$0] }
            let z = zStream.normals(count: fineCount)
            let (x, fs) = try PyramidOps.renoise(xEnd, coarse, rt: rt, rh: rh, rw: rw, scale: a, noiseScale: b, normals: z)
            #expect(fs.count == fineCount)
            for i in 0..<fineCount {
                mean[i] += Double(x[i])
                for j in 0..<fineCount { second[i * fineCount + j] += Double(x[i]) * Double(x[j]) }
            }
        }
        // Expected mean: S·Up(s) (fine cell → its coarse parent by the layout [T, 1, rh, 2·rw]).
        let upSignal = try PyramidOps.up(signal, coarse, rt: rt, rh: rh, rw: rw).0
        var maxMeanErr = 0.0, maxCovErr = 0.0
        let target = (1 - window.start) * (1 - window.start)
        for i in 0..<fineCount {
            mean[i] /= Double(draws)
            maxMeanErr = max(maxMeanErr, abs(mean[i] - window.start * Double(upSignal[i])))
        }
        for i in 0..<fineCount {
            for j in 0..<fineCount {
                let c = second[i * fineCount + j] / Double(draws) - mean[i] * mean[j]
                maxCovErr = max(maxCovErr, abs(c - (i == j ? target : 0)))
            }
        }
        // Monte-Carlo standard error of a covariance entry ≈ var·√(2/draws) ≈ 0.01·var.
        #expect(maxMeanErr < 0.03, "n=\(n) E=\(previousEnd): mean error \(maxMeanErr)")
        #expect(maxCovErr < 0.05 * max(target, 0.2), "n=\(n) E=\(previousEnd): covariance error \(maxCovErr), target var \(target)")
    }

    @Test func tableValuesOfTheMethodNote() {
        // spf-method.md §1.4 table: (n, E') → (S, A, B).
        let rows: [(Int, Double, Double, Double, Double)] = [
            (4, 1.0 / 3.0, 0.2000, 0.6000, 0.8000), (40, 1.0 / 3.0, 0.0733, 0.2198, 0.9267),
            (4, 2.0 / 3.0, 0.5000, 0.7500, 0.5000), (48, 2.0 / 3.0, 0.2240, 0.3360, 0.7760),
        ]
        for (n, e, s, a, b) in rows {
            let w = StageWindow.after(previousEnd: e, end: 1, blockSize: n)
            #expect(abs(w.start - s) < 5e-4 && abs(w.renoiseScale(previousEnd: e) - a) < 5e-4 && abs(w.renoiseNoiseScale - b) < 5e-4)
        }
    }
}

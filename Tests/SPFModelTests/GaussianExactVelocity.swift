import Foundation
import SPFModel
import TensorCore

/// A Gaussian monthly data distribution x ~ N(μ, L Lᵀ + σ² I) on a small full grid, and the exact
/// conditional velocity E[Z_E − Z_S | x(u)] of the piecewise flow (spf-method.md §1.2) for any stage and path.
final class GaussianExactVelocity: VelocityField, @unchecked Sendable {
    let config: PyramidConfig
    let firstMonth: Int
    let months: Int
    let mu: [Double]          // [months, H, W] (C = 1)
    let lowRank: [[Double]]   // r columns of length dims
    let sigma2: Double
    var dims: Int { months * config.height * config.width }
    private var cache: [String: (k: [Double], offset: [Double], d: Int)] = [:]

    init(config: PyramidConfig, firstMonth: Int, months: Int, seed: UInt64) {
        self.config = config
        self.firstMonth = firstMonth
        self.months = months
        let h = config.height, w = config.width
        var rng = RandomStream(seed: seed).child(1)
        var m = [Double](repeating: 0, count: months * h * w)
        for t in 0..<months {
            for y in 0..<h {
                for x in 0..<w {
                    let lat: Double = 0.6 * Double(y - h / 2) / Double(h)
                    let season: Double = 0.4 * sin(2 * Double.pi * Double(t) / 12)
                    m[(t * h + y) * w + x] = lat + season + 0.004 * Double(t) + 0.05 * Double(x)
                }
            }
        }
        mu = m
        let n = months * h * w
        var cols: [[Double]] = []
        cols.append([Double](repeating: 0.7, count: n))                                  // shared decadal anomaly
        let z = rng.normals(count: 10 * h * w)
        cols.append((0..<n).map { i in 0.5 * Double(z[(i / (12 * h * w)) % 10]) })       // yearly anomaly, cell-independent
        cols.append((0..<n).map { i in let c = i % (h * w); return 0.4 * Double(z[10 + c]) }) // spatial pattern
        cols.append((0..<n).map { i in let t = i / (h * w); return 0.3 * cos(2 * Double.pi * Double(t) / 12) })
        lowRank = cols
        sigma2 = 0.25
    }

    /// Operator from monthly full-res data over [start, start + frames·tm) to a stage latent
    /// (timescale tm months, grid downsampled by (fh, fw)), then optionally up-sampled by (rt, rh, rw): rows × dims.
    func stageOperator(start: Int, frames: Int, tm: Int, fh: Int, fw: Int, up: (Int, Int, Int) = (1, 1, 1)) -> (rows: Int, m: [Double]) {
        let h = config.height, w = config.width
        let sh = h / fh, sw = w / fw
        let coarseRows = frames * sh * sw
        var coarse = [Double](repeating: 0, count: coarseRows * dims)
        let wgt = 1 / Double(tm * fh * fw)
        for f in 0..<frames {
            for mo in 0..<tm {
                let t = start - firstMonth + f * tm + mo
                for y in 0..<h {
                    for x in 0..<w {
                        let r = (f * sh + y / fh) * sw + x / fw
                        coarse[r * dims + (t * h + y) * w + x] += wgt
                    }
                }
            }
        }
        let (rt, rh, rw) = up
        if rt == 1 && rh == 1 && rw == 1 { return (coarseRows, coarse) }
        let uh = sh * rh, uw = sw * rw, uf = frames * rt
        var out = [Double](repeating: 0, count: uf * uh * uw * dims)
        for f in 0..<uf {
            for y in 0..<uh {
                for x in 0..<uw {
                    let r = (f * uh + y) * uw + x
                    let src = ((f / rt) * sh + y / rh) * sw + x / rw
                    for k in 0..<dims { out[r * dims + k] = coarse[src * dims + k] }
                }
            }
        }
        return (uf * uh * uw, out)
    }

    /// M Σ Nᵀ for operators M (a × dims), N (b × dims).
    func sandwich(_ m: [Double], _ a: Int, _ n: [Double], _ b: Int) -> [Double] {
        var ml = [[Double]](), nl = [[Double]]()
        for col in lowRank {
            ml.append((0..<a).map { r in var s = 0.0; for k in 0..<dims { s += m[r * dims + k] * col[k] }; return s })
            nl.append((0..<b).map { r in var s = 0.0; for k in 0..<dims { s += n[r * dims + k] * col[k] }; return s })
        }
        var out = [Double](repeating: 0, count: a * b)
        for i in 0..<a {
            for j in 0..<b {
                var s = 0.0
                for c in 0..<lowRank.count { s += ml[c][i] * nl[c][j] }
                var d = 0.0
                for k in 0..<dims { d += m[i * dims + k] * n[j * dims + k] }
                out[i * b + j] = s + sigma2 * d
            }
        }
        return out
    }

    func apply(_ m: [Double], rows: Int, _ v: [Double]) -> [Double] {
        (0..<rows).map { r in var s = 0.0; for k in 0..<dims { s += m[r * dims + k] * v[k] }; return s }
    }

    /// Target X_j (operator) and start P_j (operator) for items starting at `start`.
    func operators(context: StageContext) -> (e: [Double], p: [Double]?, rows: Int) {
        let j = context.stage
        let tm = context.timescale.months
        let (fh, fw) = config.cumulativeSpatialFactor(stage: j)
        let e = stageOperator(start: context.frameStart[0], frames: context.shape.frames, tm: tm, fh: fh, fw: fw)
        if j == 0 { return (e.m, nil, e.rows) }
        let f = context.path.jumpFactors(into: j, in: config)
        let (ph, pw) = config.cumulativeSpatialFactor(stage: j - 1)
        let p = stageOperator(start: context.frameStart[0], frames: context.shape.frames / f.rt, tm: tm * f.rt, fh: ph, fw: pw,
                              up: (f.rt, f.rh, f.rw))
        return (e.m, p.m, e.rows)
    }

    /// Closed-form mean and covariance of the latent at the end of stage `context.stage`.
    func endMoments(context: StageContext) -> (mean: [Double], cov: [Double], rows: Int) {
        let ops = operators(context: context)
        let e = context.path.windows(in: config)[context.stage].end
        let mean = apply(ops.e, rows: ops.rows, mu).map { e * $0 }
        var cov = sandwich(ops.e, ops.rows, ops.e, ops.rows).map { e * e * $0 }
        for i in 0..<ops.rows { cov[i * ops.rows + i] += (1 - e) * (1 - e) }
        return (mean, cov, ops.rows)
    }

    func velocity(_ x: [Float], tau: [Double], context: StageContext) throws -> [Float] {
        let win = context.path.windows(in: config)[context.stage]
        let u = (tau[0] - win.start) / (win.end - win.start)
        var out = [Float](repeating: 0, count: x.count)
        let per = context.shape.perItem
        for i in 0..<context.shape.items {
            let key = "\(context.stage)-\(context.path.levels)-\(context.frameStart[i])-\(u)"
            let entry: (k: [Double], offset: [Double], d: Int)
            if let c = cache[key] { entry = c } else {
                var sub = context
                sub.frameStart = [context.frameStart[i]]
                let ops = operators(context: sub)
                let d = ops.rows
                let (s, e) = (win.start, win.end)
                let a = u * e, b = (1 - u) * s, c = u * (1 - e) + (1 - u) * (1 - s)
                var mOp = ops.e.map { a * $0 }
                var nOp = ops.e.map { e * $0 }
                if let p = ops.p {
                    for k in 0..<mOp.count { mOp[k] += b * p[k]; nOp[k] -= s * p[k] }
                }
                var cxx = sandwich(mOp, d, mOp, d)
                var cvx = sandwich(nOp, d, mOp, d)
                for r in 0..<d { cxx[r * d + r] += c * c; cvx[r * d + r] -= (e - s) * c }
                // K = Cvx Cxx⁻¹ via Cholesky of Cxx (solve Cxx Kᵀ = Cvxᵀ).
                var l = cxx
                for col in 0..<d {
                    var diag = l[col * d + col]
                    for k in 0..<col { diag -= l[col * d + k] * l[col * d + k] }
                    let root = diag.squareRoot()
                    l[col * d + col] = root
                    for row in (col + 1)..<max(d, col + 1) {
                        var v = l[row * d + col]
                        for k in 0..<col { v -= l[row * d + k] * l[col * d + k] }
                        l[row * d + col] = v / root
                    }
                }
                var k = [Double](repeating: 0, count: d * d)
                for r in 0..<d {
                    // Solve Cxx y = Cvx[r, :]ᵀ (Cxx symmetric) → row r of K.
                    var y = (0..<d).map { cvx[r * d + $0] }
                    for i2 in 0..<d { var v = y[i2]; for q in 0..<i2 { v -= l[i2 * d + q] * y[q] }; y[i2] = v / l[i2 * d + i2] }
                    for i2 in stride(from: d - 1, through: 0, by: -1) {
                        var v = y[i2]; for q in (i2 + 1)..<max(d, i2 + 1) { v -= l[q * d + i2] * y[q] }; y[i2] = v / l[i2 * d + i2]
                    }
                    for q in 0..<d { k[r * d + q] = y[q] }
                }
                let meanX = apply(mOp, rows: d, mu), meanV = apply(nOp, rows: d, mu)
                // v = meanV + K (x − meanX) = (meanV − K meanX) + K x.
                let offset = (0..<d).map { r in var s2 = meanV[r]; for q in 0..<d { s2 -= k[r * d + q] * meanX[q] }; return s2 }
                entry = (k, offset, d)
                cache[key] = entry
            }
            let d = entry.d
            for r in 0..<d {
                var s2 = entry.offset[r]
                for q in 0..<d { s2 += entry.k[r * d + q] * Double(x[i * per + q]) }
                out[i * per + r] = Float(s2)
            }
        }
        return out
    }
}

import Foundation
import TensorCore

/// Differentiable operations on [rows, cols] variables. Row groups (`rowsPerGroup`) are the tokens of one
/// item, so per-item vectors (conditioning, adaLN modulation) broadcast over their group's rows.
extension Graph {
    /// y = x·W (+ b): x [R, in], w [in, out], b [1, out] → [R, out].
    public func linear(_ x: Variable, _ w: Variable, _ b: Variable?) -> Variable {
        let r = x.rows, kin = x.cols, n = w.cols
        var y = [Float](repeating: 0, count: r * n)
        x.value.withUnsafeBufferPointer { xp in
            w.value.withUnsafeBufferPointer { wp in
                y.withUnsafeMutableBufferPointer { yp in
                    GEMM.multiply(.none, .none, m: r, n: n, k: kin, a: xp.baseAddress!, lda: kin, b: wp.baseAddress!, ldb: n,
                                  c: yp.baseAddress!, ldc: n)
                    if let b {
                        for i in 0..<r { for j in 0..<n { yp[i * n + j] += b.value[j] } }
                    }
                }
            }
        }
        let out = Variable(y, rows: r, cols: n, requiresGrad: x.requiresGrad || w.requiresGrad || (b?.requiresGrad ?? false))
        record(out.requiresGrad) {
            guard !out.grad.isEmpty else { return }
            if x.requiresGrad {
                x.ensureGrad()
                out.grad.withUnsafeBufferPointer { dy in
                    w.value.withUnsafeBufferPointer { wp in
                        x.grad.withUnsafeMutableBufferPointer { dx in
                            GEMM.multiply(.none, .transposed, m: r, n: kin, k: n, a: dy.baseAddress!, lda: n, b: wp.baseAddress!,
                                          ldb: n, beta: 1, c: dx.baseAddress!, ldc: kin)
                        }
                    }
                }
            }
            if w.requiresGrad {
                w.ensureGrad()
                out.grad.withUnsafeBufferPointer { dy in
                    x.value.withUnsafeBufferPointer { xp in
                        w.grad.withUnsafeMutableBufferPointer { dw in
                            GEMM.multiply(.transposed, .none, m: kin, n: n, k: r, a: xp.baseAddress!, lda: kin, b: dy.baseAddress!,
                                          ldb: n, beta: 1, c: dw.baseAddress!, ldc: n)
                        }
                    }
                }
            }
            if let b, b.requiresGrad {
                b.ensureGrad()
                for i in 0..<r { for j in 0..<n { b.grad[j] += out.grad[i * n + j] } }
            }
        }
        return out
    }

    /// LayerNorm without affine over each row (eps 1e-6).
    public func layerNorm(_ x: Variable) -> Variable {
        let r = x.rows, d = x.cols
        var y = [Float](repeating: 0, count: r * d)
        var rstd = [Float](repeating: 0, count: r)
        x.value.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                for i in 0..<r {
                    let row = xp.baseAddress! + i * d
                    var mean: Float = 0
                    for j in 0..<d { mean += row[j] }
                    mean /= Float(d)
                    var v: Float = 0
                    for j in 0..<d { let c = row[j] - mean; v += c * c }
                    let s = 1 / (v / Float(d) + 1e-6).squareRoot()
                    rstd[i] = s
                    for j in 0..<d { yp[i * d + j] = (row[j] - mean) * s }
                }
            }
        }
        let out = Variable(y, rows: r, cols: d, requiresGrad: x.requiresGrad)
        record(out.requiresGrad) {
            guard !out.grad.isEmpty else { return }
            x.ensureGrad()
            out.grad.withUnsafeBufferPointer { gp in
                out.value.withUnsafeBufferPointer { yp in
                    x.grad.withUnsafeMutableBufferPointer { dx in
                        for i in 0..<r {
                            var mdy: Float = 0, mdyy: Float = 0
                            for j in 0..<d { let g = gp[i * d + j]; mdy += g; mdyy += g * yp[i * d + j] }
                            mdy /= Float(d)
                            mdyy /= Float(d)
                            for j in 0..<d { dx[i * d + j] += rstd[i] * (gp[i * d + j] - mdy - yp[i * d + j] * mdyy) }
                        }
                    }
                }
            }
        }
        return out
    }

    /// RMSNorm without affine over each head's segment of every row (QK-norm); x [R, heads·dh].
    public func rmsNormHeads(_ x: Variable, heads: Int) -> Variable {
        let r = x.rows, d = x.cols, dh = d / heads
        var y = [Float](repeating: 0, count: r * d)
        var rstd = [Float](repeating: 0, count: r * heads)
        for i in 0..<r {
            for h in 0..<heads {
                let base = i * d + h * dh
                var ss: Float = 0
                for j in 0..<dh { ss += x.value[base + j] * x.value[base + j] }
                let s = 1 / (ss / Float(dh) + 1e-6).squareRoot()
                rstd[i * heads + h] = s
                for j in 0..<dh { y[base + j] = x.value[base + j] * s }
            }
        }
        let out = Variable(y, rows: r, cols: d, requiresGrad: x.requiresGrad)
        record(out.requiresGrad) {
            guard !out.grad.isEmpty else { return }
            x.ensureGrad()
            for i in 0..<r {
                for h in 0..<heads {
                    let base = i * d + h * dh
                    var m: Float = 0
                    for j in 0..<dh { m += out.grad[base + j] * out.value[base + j] }
                    m /= Float(dh)
                    let s = rstd[i * heads + h]
                    for j in 0..<dh { x.grad[base + j] += s * (out.grad[base + j] - out.value[base + j] * m) }
                }
            }
        }
        return out
    }

    /// adaLN modulation x·(1 + scale) + shift, with shift/scale = column chunks of `mod` [G, k·d].
    public func modulate(_ x: Variable, _ mod: Variable, shiftChunk: Int, scaleChunk: Int, rowsPerGroup: Int) -> Variable {
        let r = x.rows, d = x.cols, mc = mod.cols
        var y = [Float](repeating: 0, count: r * d)
        y.withUnsafeMutableBufferPointer { yp in
            x.value.withUnsafeBufferPointer { xp in
                mod.value.withUnsafeBufferPointer { mp in
                    for i in 0..<r {
                        let g = i / rowsPerGroup
                        let sh = mp.baseAddress! + g * mc + shiftChunk * d, sc = mp.baseAddress! + g * mc + scaleChunk * d
                        let xr = xp.baseAddress! + i * d, yr = yp.baseAddress! + i * d
                        for j in 0..<d { yr[j] = xr[j] * (1 + sc[j]) + sh[j] }
                    }
                }
            }
        }
        let out = Variable(y, rows: r, cols: d, requiresGrad: x.requiresGrad || mod.requiresGrad)
        record(out.requiresGrad) {
            guard !out.grad.isEmpty else { return }
            x.ensureGrad()
            mod.ensureGrad()
            out.grad.withUnsafeBufferPointer { gp in
                x.value.withUnsafeBufferPointer { xp in
                    mod.value.withUnsafeBufferPointer { mp in
                        x.grad.withUnsafeMutableBufferPointer { dxp in
                            mod.grad.withUnsafeMutableBufferPointer { dmp in
                                for i in 0..<r {
                                    let g = i / rowsPerGroup
                                    let sh = g * mc + shiftChunk * d, sc = g * mc + scaleChunk * d
                                    let gr = gp.baseAddress! + i * d, xr = xp.baseAddress! + i * d, dxr = dxp.baseAddress! + i * d
                                    for j in 0..<d {
                                        let dy = gr[j]
                                        dxr[j] += dy * (1 + mp[sc + j])
                                        dmp[sc + j] += dy * xr[j]
                                        dmp[sh + j] += dy
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Gated residual h + gate ⊙ y, with gate a column chunk of `mod` [G, k·d].
    public func gatedAdd(_ h: Variable, _ mod: Variable, gateChunk: Int, _ y: Variable, rowsPerGroup: Int) -> Variable {
        let r = h.rows, d = h.cols, mc = mod.cols
        var o = h.value
        o.withUnsafeMutableBufferPointer { op in
            y.value.withUnsafeBufferPointer { yp in
                mod.value.withUnsafeBufferPointer { mp in
                    for i in 0..<r {
                        let gate = mp.baseAddress! + (i / rowsPerGroup) * mc + gateChunk * d
                        let orow = op.baseAddress! + i * d, yr = yp.baseAddress! + i * d
                        for j in 0..<d { orow[j] += gate[j] * yr[j] }
                    }
                }
            }
        }
        let out = Variable(o, rows: r, cols: d, requiresGrad: h.requiresGrad || mod.requiresGrad || y.requiresGrad)
        record(out.requiresGrad) {
            guard !out.grad.isEmpty else { return }
            h.ensureGrad(); y.ensureGrad(); mod.ensureGrad()
            out.grad.withUnsafeBufferPointer { gp in
                h.grad.withUnsafeMutableBufferPointer { dh in for k in 0..<gp.count { dh[k] += gp[k] } }
                y.value.withUnsafeBufferPointer { yp in
                    mod.value.withUnsafeBufferPointer { mp in
                        y.grad.withUnsafeMutableBufferPointer { dy in
                            mod.grad.withUnsafeMutableBufferPointer { dm in
                                for i in 0..<r {
                                    let gb = (i / rowsPerGroup) * mc + gateChunk * d
                                    for j in 0..<d {
                                        let g = gp[i * d + j]
                                        dy[i * d + j] += g * mp[gb + j]
                                        dm[gb + j] += g * yp[i * d + j]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// x + v[group]: adds one row vector per group of rows; v [G, d].
    public func addBroadcast(_ x: Variable, _ v: Variable, rowsPerGroup: Int) -> Variable {
        let r = x.rows, d = x.cols
        var o = x.value
        o.withUnsafeMutableBufferPointer { op in
            v.value.withUnsafeBufferPointer { vp in
                for i in 0..<r { let g = i / rowsPerGroup; for j in 0..<d { op[i * d + j] += vp[g * d + j] } }
            }
        }
        let out = Variable(o, rows: r, cols: d, requiresGrad: x.requiresGrad || v.requiresGrad)
        record(out.requiresGrad) {
            guard !out.grad.isEmpty else { return }
            x.ensureGrad(); v.ensureGrad()
            out.grad.withUnsafeBufferPointer { gp in
                x.grad.withUnsafeMutableBufferPointer { dx in for k in 0..<gp.count { dx[k] += gp[k] } }
                v.grad.withUnsafeMutableBufferPointer { dv in
                    for i in 0..<r { let g = i / rowsPerGroup; for j in 0..<d { dv[g * d + j] += gp[i * d + j] } }
                }
            }
        }
        return out
    }

    /// Elementwise a + b (same shape).
    public func add(_ a: Variable, _ b: Variable) -> Variable {
        var o = a.value
        for k in 0..<o.count { o[k] += b.value[k] }
        let out = Variable(o, rows: a.rows, cols: a.cols, requiresGrad: a.requiresGrad || b.requiresGrad)
        record(out.requiresGrad) {
            guard !out.grad.isEmpty else { return }
            if a.requiresGrad { a.ensureGrad(); for k in 0..<o.count { a.grad[k] += out.grad[k] } }
            if b.requiresGrad { b.ensureGrad(); for k in 0..<o.count { b.grad[k] += out.grad[k] } }
        }
        return out
    }

    /// x · factor[group] with constant per-group factors.
    public func scaleGroups(_ x: Variable, factors: [Float], rowsPerGroup: Int) -> Variable {
        var o = x.value
        let d = x.cols
        for i in 0..<x.rows { let f = factors[i / rowsPerGroup]; for j in 0..<d { o[i * d + j] *= f } }
        let out = Variable(o, rows: x.rows, cols: d, requiresGrad: x.requiresGrad)
        record(out.requiresGrad) {
            guard !out.grad.isEmpty else { return }
            x.ensureGrad()
            for i in 0..<x.rows { let f = factors[i / rowsPerGroup]; for j in 0..<d { x.grad[i * d + j] += f * out.grad[i * d + j] } }
        }
        return out
    }

    /// SiLU x·σ(x).
    public func silu(_ x: Variable) -> Variable {
        var o = x.value
        for k in 0..<o.count { let v = x.value[k]; o[k] = v / (1 + Foundation.exp(-v)) }
        let out = Variable(o, rows: x.rows, cols: x.cols, requiresGrad: x.requiresGrad)
        record(out.requiresGrad) {
            guard !out.grad.isEmpty else { return }
            x.ensureGrad()
            for k in 0..<o.count {
                let v = x.value[k], s = 1 / (1 + Foundation.exp(-v))
                x.grad[k] += out.grad[k] * (s * (1 + v * (1 - s)))
            }
        }
        return out
    }

    /// GELU, tanh approximation (tanh through expf).
    public func gelu(_ x: Variable) -> Variable {
        var o = x.value
        o.withUnsafeMutableBufferPointer { op in
            x.value.withUnsafeBufferPointer { xp in
                var k = 0
                let n = xp.count
                while k + 8 <= n {
                    let v = UnsafeRawPointer(xp.baseAddress! + k).loadUnaligned(as: SIMD8<Float>.self)
                    var u = 0.7978845608 * (v + 0.044715 * v * v * v)
                    u.replace(with: SIMD8(repeating: 15), where: u .> SIMD8(repeating: 15))
                    u.replace(with: SIMD8(repeating: -15), where: u .< SIMD8(repeating: -15))
                    let t = 1 - 2 / (VectorMath.exp8(2 * u) + 1)
                    UnsafeMutableRawPointer(op.baseAddress! + k).storeBytes(of: 0.5 * v * (1 + t), as: SIMD8<Float>.self)
                    k += 8
                }
                while k < n {
                    let v = xp[k]
                    op[k] = 0.5 * v * (1 + fastTanh(geluInner(v)))
                    k += 1
                }
            }
        }
        let out = Variable(o, rows: x.rows, cols: x.cols, requiresGrad: x.requiresGrad)
        record(out.requiresGrad) {
            guard !out.grad.isEmpty else { return }
            x.ensureGrad()
            out.grad.withUnsafeBufferPointer { gp in
                x.value.withUnsafeBufferPointer { xp in
                    x.grad.withUnsafeMutableBufferPointer { dx in
                        for k in 0..<xp.count {
                            let v = xp[k]
                            let t = fastTanh(geluInner(v))
                            let dt = (1 - t * t) * 0.7978845608 * (1 + 3 * 0.044715 * v * v)
                            dx[k] += gp[k] * (0.5 * (1 + t) + 0.5 * v * dt)
                        }
                    }
                }
            }
        }
        return out
    }

    /// Columns [start, start + width) of x.
    public func columns(_ x: Variable, start: Int, width: Int) -> Variable {
        let r = x.rows, c = x.cols
        var o = [Float](repeating: 0, count: r * width)
        for i in 0..<r { for j in 0..<width { o[i * width + j] = x.value[i * c + start + j] } }
        let out = Variable(o, rows: r, cols: width, requiresGrad: x.requiresGrad)
        record(out.requiresGrad) {
            guard !out.grad.isEmpty else { return }
            x.ensureGrad()
            for i in 0..<r { for j in 0..<width { x.grad[i * c + start + j] += out.grad[i * width + j] } }
        }
        return out
    }

    /// Per group, rows of a then rows of b: a [G·Na, d], b [G·Nb, d] → [G·(Na+Nb), d].
    public func concatGroups(_ a: Variable, _ b: Variable, groups: Int) -> Variable {
        let d = a.cols, na = a.rows / groups, nb = b.rows / groups
        var o = [Float]()
        o.reserveCapacity((a.rows + b.rows) * d)
        for g in 0..<groups {
            o.append(contentsOf: a.value[(g * na * d)..<((g + 1) * na * d)])
            o.append(contentsOf: b.value[(g * nb * d)..<((g + 1) * nb * d)])
        }
        let out = Variable(o, rows: a.rows + b.rows, cols: d, requiresGrad: a.requiresGrad || b.requiresGrad)
        record(out.requiresGrad) {
            guard !out.grad.isEmpty else { return }
            if a.requiresGrad { a.ensureGrad() }
            if b.requiresGrad { b.ensureGrad() }
            for g in 0..<groups {
                let base = g * (na + nb) * d
                if a.requiresGrad { for k in 0..<(na * d) { a.grad[g * na * d + k] += out.grad[base + k] } }
                if b.requiresGrad { for k in 0..<(nb * d) { b.grad[g * nb * d + k] += out.grad[base + na * d + k] } }
            }
        }
        return out
    }

    /// Rows [start, start+count) of every group of `perGroup` rows: [G·perGroup, d] → [G·count, d].
    public func groupRows(_ x: Variable, groups: Int, perGroup: Int, start: Int, count: Int) -> Variable {
        let d = x.cols
        var o = [Float]()
        o.reserveCapacity(groups * count * d)
        for g in 0..<groups {
            let base = (g * perGroup + start) * d
            o.append(contentsOf: x.value[base..<(base + count * d)])
        }
        let out = Variable(o, rows: groups * count, cols: d, requiresGrad: x.requiresGrad)
        record(out.requiresGrad) {
            guard !out.grad.isEmpty else { return }
            x.ensureGrad()
            for g in 0..<groups {
                let base = (g * perGroup + start) * d
                for k in 0..<(count * d) { x.grad[base + k] += out.grad[g * count * d + k] }
            }
        }
        return out
    }

    /// Rotary embedding on every head: pairs (2i, 2i+1) rotated by angle pos·freq_i; cos/sin [R, dh/2].
    public func rope(_ x: Variable, heads: Int, cos: [Float], sin: [Float]) -> Variable {
        let r = x.rows, d = x.cols, dh = d / heads, half = dh / 2
        var o = x.value
        func rotate(_ src: UnsafeBufferPointer<Float>, _ dst: UnsafeMutableBufferPointer<Float>, sign: Float) {
            cos.withUnsafeBufferPointer { cp in
                sin.withUnsafeBufferPointer { sp in
                    for i in 0..<r {
                        for h in 0..<heads {
                            for p in 0..<half {
                                let k = i * d + h * dh + 2 * p
                                let c = cp[i * half + p], s = sign * sp[i * half + p]
                                let x0 = src[k], x1 = src[k + 1]
                                dst[k] = x0 * c - x1 * s
                                dst[k + 1] = x0 * s + x1 * c
                            }
                        }
                    }
                }
            }
        }
        x.value.withUnsafeBufferPointer { xp in o.withUnsafeMutableBufferPointer { op in rotate(xp, op, sign: 1) } }
        let out = Variable(o, rows: r, cols: d, requiresGrad: x.requiresGrad)
        record(out.requiresGrad) {
            guard !out.grad.isEmpty else { return }
            x.ensureGrad()
            var back = [Float](repeating: 0, count: out.grad.count)
            out.grad.withUnsafeBufferPointer { gp in back.withUnsafeMutableBufferPointer { bp in rotate(gp, bp, sign: -1) } }
            x.grad.withUnsafeMutableBufferPointer { dx in for k in 0..<back.count { dx[k] += back[k] } }
        }
        return out
    }

    /// Row lookup table[index[g]] → [G, d].
    public func embedding(_ table: Variable, indices: [Int]) -> Variable {
        let d = table.cols
        var o = [Float]()
        o.reserveCapacity(indices.count * d)
        for ix in indices { o.append(contentsOf: table.value[(ix * d)..<((ix + 1) * d)]) }
        let out = Variable(o, rows: indices.count, cols: d, requiresGrad: table.requiresGrad)
        record(out.requiresGrad) {
            guard !out.grad.isEmpty else { return }
            table.ensureGrad()
            for (g, ix) in indices.enumerated() { for j in 0..<d { table.grad[ix * d + j] += out.grad[g * d + j] } }
        }
        return out
    }

    /// Mean over each group of `perGroup` rows: [G·perGroup, d] → [G, d].
    public func meanPool(_ x: Variable, perGroup: Int) -> Variable {
        let d = x.cols, groups = x.rows / perGroup
        var o = [Float](repeating: 0, count: groups * d)
        let inv = 1 / Float(perGroup)
        for i in 0..<x.rows { let g = i / perGroup; for j in 0..<d { o[g * d + j] += x.value[i * d + j] * inv } }
        let out = Variable(o, rows: groups, cols: d, requiresGrad: x.requiresGrad)
        record(out.requiresGrad) {
            guard !out.grad.isEmpty else { return }
            x.ensureGrad()
            for i in 0..<x.rows { let g = i / perGroup; for j in 0..<d { x.grad[i * d + j] += out.grad[g * d + j] * inv } }
        }
        return out
    }

    /// out[o] = weight · Σ_k x[map[o·groupSize + k]] (a fixed pooling/reindexing map) → [outRows, outCols].
    public func poolMap(_ x: Variable, map: [Int32], groupSize: Int, weight: Float, outRows: Int, outCols: Int) -> Variable {
        let n = outRows * outCols
        var o = [Float](repeating: 0, count: n)
        for q in 0..<n {
            var s: Float = 0
            for k in 0..<groupSize { s += x.value[Int(map[q * groupSize + k])] }
            o[q] = s * weight
        }
        let out = Variable(o, rows: outRows, cols: outCols, requiresGrad: x.requiresGrad)
        record(out.requiresGrad) {
            guard !out.grad.isEmpty else { return }
            x.ensureGrad()
            for q in 0..<n {
                let g = out.grad[q] * weight
                for k in 0..<groupSize { x.grad[Int(map[q * groupSize + k])] += g }
            }
        }
        return out
    }

    /// weight · mean((p − target)²) as a [1, 1] scalar.
    public func mseLoss(_ p: Variable, target: [Float], weight: Float = 1) -> Variable {
        let n = p.value.count
        var s: Double = 0
        for k in 0..<n { let e = Double(p.value[k] - target[k]); s += e * e }
        let out = Variable([Float(s / Double(n)) * weight], rows: 1, cols: 1, requiresGrad: p.requiresGrad)
        record(out.requiresGrad) {
            guard !out.grad.isEmpty else { return }
            p.ensureGrad()
            let g = out.grad[0] * weight * 2 / Float(n)
            for k in 0..<n { p.grad[k] += g * (p.value[k] - target[k]) }
        }
        return out
    }
}

@inline(__always) func geluInner(_ v: Float) -> Float { 0.7978845608 * (v + 0.044715 * v * v * v) }

/// tanh(x) = 1 − 2 / (exp(2x) + 1), clamped for large |x| (exact to float rounding).
@inline(__always) func fastTanh(_ x: Float) -> Float {
    if x > 15 { return 1 }
    if x < -15 { return -1 }
    let e = Foundation.exp(2 * x)
    return 1 - 2 / (e + 1)
}

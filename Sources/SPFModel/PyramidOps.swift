/// Resampling operators of the pyramid on [I, T, C, h, w] arrays (spf-method.md §1.1).
///
/// Down = block mean over (r_t, r_h, r_w); Up = nearest replication; BlockMean = Up ∘ Down.
public enum PyramidOps {
    /// Block mean over r_t frames and r_h × r_w cells: [I,T,C,h,w] → [I,T/r_t,C,h/r_h,w/r_w].
    public static func down(_ x: [Float], _ s: FieldShape, rt: Int, rh: Int, rw: Int) throws -> ([Float], FieldShape) {
        guard x.count == s.count else { throw SPFModelError(.shapeMismatch, "down: \(x.count) values for shape \(s.dims)") }
        guard s.frames % rt == 0, s.height % rh == 0, s.width % rw == 0 else {
            throw SPFModelError(.shapeMismatch, "down: shape \(s.dims) not divisible by (\(rt), \(rh), \(rw))")
        }
        let o = FieldShape(items: s.items, frames: s.frames / rt, channels: s.channels, height: s.height / rh, width: s.width / rw)
        var out = [Float](repeating: 0, count: o.count)
        let inv = 1 / Float(rt * rh * rw)
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { op in
                guard let xb = xp.baseAddress, let ob = op.baseAddress else { return }
                for i in 0..<s.items {
                    for t in 0..<s.frames {
                        let ot = t / rt
                        for c in 0..<s.channels {
                            let src = (((i * s.frames + t) * s.channels + c) * s.height) * s.width
                            let dst = (((i * o.frames + ot) * o.channels + c) * o.height) * o.width
                            // Each output cell adds its inputs in the order (t, y, x), one running sum per cell: the
                            // row's rw inputs go into a register, not through memory with a division per value.
                            for y in 0..<s.height {
                                let row = xb + src + y * s.width
                                let out = ob + dst + (y / rh) * o.width
                                for ox in 0..<o.width {
                                    var acc = out[ox]
                                    let cell = row + ox * rw
                                    for dx in 0..<rw { acc += cell[dx] }
                                    out[ox] = acc
                                }
                            }
                        }
                    }
                }
                for k in 0..<o.count { op[k] *= inv }
            }
        }
        return (out, o)
    }

    /// Nearest replication: [I,T,C,h,w] → [I,T·r_t,C,h·r_h,w·r_w].
    public static func up(_ x: [Float], _ s: FieldShape, rt: Int, rh: Int, rw: Int) throws -> ([Float], FieldShape) {
        guard x.count == s.count else { throw SPFModelError(.shapeMismatch, "up: \(x.count) values for shape \(s.dims)") }
        let o = FieldShape(items: s.items, frames: s.frames * rt, channels: s.channels, height: s.height * rh, width: s.width * rw)
        var out = [Float](repeating: 0, count: o.count)
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { op in
                for i in 0..<o.items {
                    for t in 0..<o.frames {
                        for c in 0..<o.channels {
                            let src = (((i * s.frames + t / rt) * s.channels + c) * s.height) * s.width
                            let dst = (((i * o.frames + t) * o.channels + c) * o.height) * o.width
                            for y in 0..<o.height {
                                let sy = src + (y / rh) * s.width
                                for xx in 0..<o.width { op[dst + y * o.width + xx] = xp[sy + xx / rw] }
                            }
                        }
                    }
                }
            }
        }
        return (out, o)
    }

    /// z − BlockMean(z) for blocks of r_t × r_h × r_w cells (per item and channel), in place semantics.
    public static func blockZeroMean(_ z: [Float], _ s: FieldShape, rt: Int, rh: Int, rw: Int) throws -> [Float] {
        let (m, ms) = try down(z, s, rt: rt, rh: rh, rw: rw)
        let (mu, _) = try up(m, ms, rt: rt, rh: rh, rw: rw)
        var out = z
        for k in 0..<out.count { out[k] -= mu[k] }
        return out
    }

    /// Keeps frames `frames` of every item, each kept frame becoming its own item
    /// ([I,T,...] → [I·|frames|, 1, ...], item-major then frame order).
    public static func funnel(_ x: [Float], _ s: FieldShape, frames: [Int]) throws -> ([Float], FieldShape) {
        guard x.count == s.count else { throw SPFModelError(.shapeMismatch, "funnel: \(x.count) values for shape \(s.dims)") }
        for f in frames where f < 0 || f >= s.frames {
            throw SPFModelError(.shapeMismatch, "funnel: frame \(f) outside 0..<\(s.frames)")
        }
        let per = s.channels * s.height * s.width
        var out: [Float] = []
        out.reserveCapacity(s.items * frames.count * per)
        for i in 0..<s.items {
            for f in frames {
                let base = (i * s.frames + f) * per
                out.append(contentsOf: x[base..<(base + per)])
            }
        }
        return (out, FieldShape(items: s.items * frames.count, frames: 1, channels: s.channels, height: s.height, width: s.width))
    }

    /// Jump-point renoising (spf-method.md §1.3, Algorithm 3):
    /// A·Up(x) + B·(z − BlockMean(z)) with z standard normal at the fine resolution.
    public static func renoise(_ x: [Float], _ s: FieldShape, rt: Int, rh: Int, rw: Int,
                               scale a: Double, noiseScale b: Double, normals z: [Float]) throws -> ([Float], FieldShape) {
        let (u, us) = try up(x, s, rt: rt, rh: rh, rw: rw)
        guard z.count == us.count else { throw SPFModelError(.shapeMismatch, "renoise: \(z.count) normals for \(us.dims)") }
        let xi = try blockZeroMean(z, us, rt: rt, rh: rh, rw: rw)
        let fa = Float(a), fb = Float(b)
        var out = u
        for k in 0..<out.count { out[k] = fa * u[k] + fb * xi[k] }
        return (out, us)
    }
}

import Foundation

/// Fixed sinusoidal embeddings of scalars (flow time) and of 2-D grid coordinates.
public enum SinusoidalEmbedding {
    /// Embeds each value `x` as `[cos(x·ωᵢ) …, sin(x·ωᵢ) …]` with `ωᵢ = maxPeriod^(−i/half)`, `half = dim/2`
    /// (the "flip sin to cos" timestep embedding of DiT/SD3).
    /// - Parameters:
    ///   - values: `[N]` scalars (e.g. τ·1000).
    ///   - output: `[N, dim]`, `dim` even.
    public static func timestep(_ values: [Float], into output: Tensor, maxPeriod: Double = 10_000) {
        let dim = output.shape.last ?? 0, half = dim / 2
        precondition(dim % 2 == 0 && output.count == values.count * dim, "timestep embedding: output \(output.shape) for \(values.count) values")
        // The frequencies once, and each distinct value's row once: a block's members share their flow time, so a
        // pass of 60 items computed 60 equal rows. The same operations on the same inputs: the same floats.
        let omegas = (0..<half).map { Foundation.exp(-Foundation.log(maxPeriod) * Double($0) / Double(half)) }
        let out = output.data
        var firstRow: [UInt32: Int] = [:]
        for (n, x) in values.enumerated() {
            if let m = firstRow[x.bitPattern] {
                (out + n * dim).update(from: out + m * dim, count: dim)
                continue
            }
            firstRow[x.bitPattern] = n
            for i in 0..<half {
                out[n * dim + i] = Float(Foundation.cos(Double(x) * omegas[i]))
                out[n * dim + half + i] = Float(Foundation.sin(Double(x) * omegas[i]))
            }
        }
    }

    /// 2-D sin-cos position embedding: the first `dim/2` channels encode `row`, the rest `column`,
    /// each as `[sin(p·ωᵢ) …, cos(p·ωᵢ) …]` with `ωᵢ = 10000^(−i/(dim/4))`.
    /// - Parameters:
    ///   - rows, columns: `[N]` coordinates of N tokens (may be fractional, e.g. full-grid units).
    ///   - output: `[N, dim]`, `dim` divisible by 4.
    public static func grid(rows: [Float], columns: [Float], into output: Tensor) {
        let dim = output.shape.last ?? 0, quarter = dim / 4
        precondition(dim % 4 == 0 && rows.count == columns.count && output.count == rows.count * dim,
                     "grid embedding: output \(output.shape) for \(rows.count) tokens")
        // The frequencies once per call, not once per token and axis (the same values).
        let omegas = (0..<quarter).map { 1 / Foundation.pow(10_000.0, Double($0) / Double(quarter)) }
        let out = output.data
        for n in 0..<rows.count {
            for axis in 0..<2 {
                let p = axis == 0 ? rows[n] : columns[n], base = n * dim + axis * 2 * quarter
                for i in 0..<quarter {
                    out[base + i] = Float(Foundation.sin(Double(p) * omegas[i]))
                    out[base + quarter + i] = Float(Foundation.cos(Double(p) * omegas[i]))
                }
            }
        }
    }
}

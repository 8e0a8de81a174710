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
        for (n, x) in values.enumerated() {
            for i in 0..<half {
                let omega = Foundation.exp(-Foundation.log(maxPeriod) * Double(i) / Double(half))
                output[flat: n * dim + i] = Float(Foundation.cos(Double(x) * omega))
                output[flat: n * dim + half + i] = Float(Foundation.sin(Double(x) * omega))
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
        for n in 0..<rows.count {
            for (axis, p) in [rows[n], columns[n]].enumerated() {
                for i in 0..<quarter {
                    let omega = 1 / Foundation.pow(10_000.0, Double(i) / Double(quarter))
                    output[flat: n * dim + axis * 2 * quarter + i] = Float(Foundation.sin(Double(p) * omega))
                    output[flat: n * dim + axis * 2 * quarter + quarter + i] = Float(Foundation.cos(Double(p) * omega))
                }
            }
        }
    }
}

import Foundation

/// Patchify / unpatchify between [I, T, C, h, w] fields and token rows [I·T·(h/p)·(w/p), C·p·p]
/// (token order item, frame, row, column; patch vector order channel, row, column).
public enum FieldTokenizer {
    /// Field → tokens.
    public static func patchify(_ x: [Float], _ s: FieldShape, patch p: Int) -> [Float] {
        let nh = s.height / p, nw = s.width / p, vec = s.channels * p * p
        var out = [Float](repeating: 0, count: s.count)
        for i in 0..<s.items {
            for t in 0..<s.frames {
                for ty in 0..<nh {
                    for tx in 0..<nw {
                        let tok = ((i * s.frames + t) * nh + ty) * nw + tx
                        for c in 0..<s.channels {
                            let src = ((i * s.frames + t) * s.channels + c) * s.height * s.width
                            for py in 0..<p {
                                for px in 0..<p {
                                    out[tok * vec + (c * p + py) * p + px] = x[src + (ty * p + py) * s.width + tx * p + px]
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Tokens → field (inverse of `patchify`).
    public static func unpatchify(_ tokens: [Float], _ s: FieldShape, patch p: Int) -> [Float] {
        let nh = s.height / p, nw = s.width / p, vec = s.channels * p * p
        var out = [Float](repeating: 0, count: s.count)
        for i in 0..<s.items {
            for t in 0..<s.frames {
                for ty in 0..<nh {
                    for tx in 0..<nw {
                        let tok = ((i * s.frames + t) * nh + ty) * nw + tx
                        for c in 0..<s.channels {
                            let dst = ((i * s.frames + t) * s.channels + c) * s.height * s.width
                            for py in 0..<p {
                                for px in 0..<p {
                                    out[dst + (ty * p + py) * s.width + tx * p + px] = tokens[tok * vec + (c * p + py) * p + px]
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// 2-D sin-cos embedding [rows·cols, d] of token centres given in full-resolution token units.
    public static func sinCos2D(rows: Int, cols: Int, d: Int, rowStep: Double, colStep: Double, amplitude: Float) -> [Float] {
        let quarter = d / 4
        var out = [Float](repeating: 0, count: rows * cols * d)
        for r in 0..<rows {
            for c in 0..<cols {
                let y = (Double(r) + 0.5) * rowStep, x = (Double(c) + 0.5) * colStep
                let base = (r * cols + c) * d
                for k in 0..<quarter {
                    let f = 1 / pow(10_000.0, Double(k) / Double(max(quarter, 1)))
                    out[base + k] = amplitude * Float(sin(y * f))
                    out[base + quarter + k] = amplitude * Float(cos(y * f))
                    out[base + 2 * quarter + k] = amplitude * Float(sin(x * f))
                    out[base + 3 * quarter + k] = amplitude * Float(cos(x * f))
                }
            }
        }
        return out
    }

    /// Sinusoidal embedding of a scalar (flip-sin-to-cos order: cos then sin), `dim` values.
    public static func timestepEmbedding(_ t: Double, dim: Int) -> [Float] {
        let half = dim / 2
        var out = [Float](repeating: 0, count: dim)
        for k in 0..<half {
            let f = exp(-log(10_000.0) * Double(k) / Double(half))
            out[k] = Float(cos(t * f))
            out[half + k] = Float(sin(t * f))
        }
        return out
    }
}

/// Cutting `(time, channel, lat, lon)` fields into patch tokens and back.
///
/// A field batch `[B, T, C, H, W]` becomes tokens `[B, (T/pt)·(H/ph)·(W/pw), C·pt·ph·pw]`:
/// tokens in (frame, patch row, patch column) order; each token's features in (channel, dt, dy,
/// dx) order (the flattening of a `[D, C, pt, ph, pw]` patch-embedding weight). The map is a
/// permutation, so ``unpatchify(_:into:context:)`` is its inverse and each is the other's backward.
public struct Patchify: Sendable, Equatable {
    /// Field extents `T`, `C`, `H`, `W`.
    public let time: Int, channels: Int, height: Int, width: Int
    /// Patch extents along time, lat and lon.
    public let patchTime: Int, patchHeight: Int, patchWidth: Int

    /// A validated patching of `[T, C, H, W]` fields into `pt × ph × pw` patches.
    public init(time: Int, channels: Int, height: Int, width: Int,
                patchTime: Int = 1, patchHeight: Int, patchWidth: Int) throws(TensorError) {
        guard time > 0, channels > 0, height > 0, width > 0, patchTime > 0, patchHeight > 0, patchWidth > 0,
              time % patchTime == 0, height % patchHeight == 0, width % patchWidth == 0 else {
            throw TensorError(.invalidConfiguration,
                              "field [T \(time), C \(channels), H \(height), W \(width)] does not tile into patches \(patchTime)×\(patchHeight)×\(patchWidth)")
        }
        self.time = time; self.channels = channels; self.height = height; self.width = width
        self.patchTime = patchTime; self.patchHeight = patchHeight; self.patchWidth = patchWidth
    }

    /// Tokens per sample.
    public var tokens: Int { (time / patchTime) * (height / patchHeight) * (width / patchWidth) }
    /// Features per token.
    public var features: Int { channels * patchTime * patchHeight * patchWidth }
    /// Elements per sample.
    var sampleCount: Int { time * channels * height * width }

    /// Fields `[B, T, C, H, W]` → tokens `[B, tokens, features]`.
    public func patchify(_ field: Tensor, into tokens: Tensor, context: ComputeContext) {
        permute(field, tokens, toTokens: true, context: context)
    }

    /// Tokens `[B, tokens, features]` → fields `[B, T, C, H, W]` (also the backward of ``patchify(_:into:context:)``).
    public func unpatchify(_ tokens: Tensor, into field: Tensor, context: ComputeContext) {
        permute(field, tokens, toTokens: false, context: context)
    }

    private func permute(_ field: Tensor, _ tok: Tensor, toTokens: Bool, context: ComputeContext) {
        precondition(field.count == tok.count && field.count % sampleCount == 0,
                     "patchify: field \(field.shape) and tokens \(tok.shape) do not match [B, \(time), \(channels), \(height), \(width)]")
        let batch = field.count / sampleCount
        let gt = time / patchTime, gh = height / patchHeight, gw = width / patchWidth
        let (pt, ph, pw, c, h, w, t) = (patchTime, patchHeight, patchWidth, channels, height, width, time)
        let f = features, pf = field.data, pk = tok.data, per = sampleCount
        context.parallelFor(batch * gt * gh) { rows in
            for row in rows {
                let b = row / (gt * gh), ti = (row / gh) % gt, hi = row % gh
                for wi in 0..<gw {
                    let token = (ti * gh + hi) * gw + wi
                    let tb = pk + b * per + token * f
                    var k = 0
                    for ch in 0..<c {
                        for dt in 0..<pt {
                            for dy in 0..<ph {
                                let src = pf + b * per + (((ti * pt + dt) * c + ch) * h + hi * ph + dy) * w + wi * pw
                                if toTokens { (tb + k).update(from: src, count: pw) } else { src.update(from: tb + k, count: pw) }
                                k += pw
                            }
                        }
                    }
                }
            }
        }
        _ = t
    }
}

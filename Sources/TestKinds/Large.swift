import Foundation
import SPFEngine

/// `test.large`: a slow node that streams a large float32 output [rows, 1024] chunk by chunk
/// (used to kill a run in the middle of a big write).
public struct LargeOutput: NodeKind {
    /// Kind name.
    public static let name = "test.large"
    /// Implementation version.
    public static let version = 1
    /// Summary.
    public static let summary = "Streams `megabytes` MB of deterministic float32 rows [rows, 1024] from the seed."
    /// Params.
    public struct Params: ParamSet {
        @Param("megabytes", doc: "output size in MiB (4 KiB rows)")
        public var megabytes = 8
        @Param("chunkMillis", key: false, doc: "sleep after each MiB (to make the write slow)")
        public var chunkMillis = 0

        /// The declarations.
        public init() {}
    }
    /// Makes the kind.
    public init() {}

    /// Writes dataset `field` [megabytes*256, 1024].
    public func run(_ context: NodeContext) throws {
        let p = try context.params(Params.self)
        let mb = p.megabytes
        let pause = p.chunkMillis
        guard mb > 0 else { throw EngineError(.nodeFailed, "megabytes must be > 0", node: context.nodeID) }
        let rowsPerMB = 256, width = 1024
        let out = try context.output()
        let stream = try out.beginDataset("field", of: Float.self, shape: [mb * rowsPerMB, width])
        var block = [Float](repeating: 0, count: rowsPerMB * width)
        let base = Float(context.seed % 97)
        for m in 0..<mb {
            for r in 0..<rowsPerMB {
                let row = m * rowsPerMB + r
                for c in 0..<width {
                    // Smooth, climate-like values: compressible but not constant.
                    block[r * width + c] = base + Float((row * 31 + c * 7) % 1000) * 0.01 + Float(c % 13) * 0.5
                }
            }
            try stream.append(block)
            context.progress(Double(m + 1) / Double(mb), "\(m + 1)/\(mb) MiB")
            if pause > 0 { usleep(UInt32(pause) * 1000) }
        }
        try stream.finish()
        try out.setAttribute("units", "K")
    }
}

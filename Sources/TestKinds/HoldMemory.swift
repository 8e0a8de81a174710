import Foundation
import SPFEngine

/// `test.hold-memory`: touches `megabytes` MiB of memory (every page written, so it is resident) and
/// holds it for `holdMillis`, then writes a small output; a job whose `--mem` is below that is
/// killed by the scheduler's out-of-memory handler. The Slurm failure tests use it for that, and with
/// a long `holdMillis` for a job that outlives its `--time` or is cancelled or killed by hand.
public struct HoldMemory: NodeKind {
    /// Kind name.
    public static let name = "test.hold-memory"
    /// Implementation version.
    public static let version = 1
    /// Summary.
    public static let summary = "Touches `megabytes` MiB, holds them `holdMillis`, writes [megabytes, checksum]."
    /// Params.
    public struct Params: ParamSet {
        @Param("megabytes", doc: "MiB to allocate and touch (every 4 KiB page written)")
        public var megabytes = 64
        @Param("holdMillis", key: false, doc: "how long to hold the memory before writing the output")
        public var holdMillis = 0

        /// The declarations.
        public init() {}
    }
    /// Makes the kind.
    public init() {}

    /// Writes dataset `touched` int64 [2]: the MiB touched and a checksum of the pages (so no write is optimised away).
    public func run(_ context: NodeContext) throws {
        let p = try context.params(Params.self)
        let megabytes = p.megabytes
        let hold = p.holdMillis
        guard megabytes >= 0, megabytes <= 1 << 20, hold >= 0 else {
            throw EngineError(.nodeFailed, "megabytes must be in 0...1048576 and holdMillis >= 0, got \(megabytes) and \(hold)",
                              node: context.nodeID)
        }
        let page = 4096
        var memory = [UInt8](repeating: 0, count: megabytes << 20)
        var checksum: Int64 = 0
        memory.withUnsafeMutableBufferPointer { bytes in
            var offset = 0
            while offset < bytes.count {
                bytes[offset] = UInt8(truncatingIfNeeded: (offset / page) &+ Int(context.seed % 251) | 1)
                offset += page
            }
        }
        context.log("touched \(megabytes) MiB")
        var waited = 0
        while waited < hold {
            let step = min(100, hold - waited)
            usleep(UInt32(step) * 1000)
            waited += step
            context.progress(Double(waited) / Double(max(hold, 1)), "holding \(megabytes) MiB")
        }
        memory.withUnsafeBufferPointer { bytes in
            var offset = 0
            while offset < bytes.count {
                checksum &+= Int64(bytes[offset])
                offset += page
            }
        }
        let out = try context.output()
        try out.write("touched", shape: [2], values: [Int64(megabytes), checksum])
    }
}

import Foundation
import SPFEngine

/// `test.checkpointed-count`: a long node that advances a deterministic state `steps` times, saving a
/// checkpoint every `checkpointEvery` steps; a killed run resumes from the last checkpoint.
public struct CheckpointedCount: NodeKind {
    /// Kind name.
    public static let name = "test.checkpointed-count"
    /// Implementation version.
    public static let version = 1
    /// Summary.
    public static let summary = "A long node that checkpoints its step and state and resumes from them."
    /// Params.
    public struct Params: ParamSet {
        @Param("steps", doc: "number of steps")
        public var steps: Int
        @Param("width", doc: "state vector length")
        public var width = 8
        @Param("stepMillis", key: false, doc: "sleep per step (to make the node long)")
        public var stepMillis = 0
        @Param("checkpointEvery", key: false, doc: "steps between checkpoints")
        public var checkpointEvery = 10

        /// The declarations.
        public init() {}
    }
    /// Makes the kind.
    public init() {}

    /// Writes `state` float64 [width] after `steps` steps, and `steps` int64 [1].
    public func run(_ context: NodeContext) throws {
        let p = try context.params(Params.self)
        let steps = p.steps
        let width = p.width
        let pause = p.stepMillis
        let every = max(1, p.checkpointEvery)
        guard steps >= 0, width > 0 else { throw EngineError(.nodeFailed, "steps must be >= 0 and width > 0", node: context.nodeID) }
        var step = 0
        var state = (0..<width).map { Double($0) + Double(context.seed % 1000) }
        if let saved = try context.checkpoint.load() {
            let s = try saved.readInt64s("step").values
            let v = try saved.readDoubles("state").values
            if let first = s.first, v.count == width {
                step = Int(first)
                state = v
                context.log("resumed from checkpoint at step \(step)")
            }
        }
        while step < steps {
            for j in 0..<width {
                state[j] = (state[j] * 1.000_001 + Double(step % 7) * 0.5).truncatingRemainder(dividingBy: 1.0e6)
            }
            step += 1
            if pause > 0 { usleep(UInt32(pause) * 1000) }
            if step % every == 0 && step < steps {
                let snapshot = state
                let done = step
                try context.checkpoint.save { w in
                    try w.write("step", shape: [1], values: [Int64(done)])
                    try w.write("state", shape: [width], values: snapshot)
                }
                context.log("checkpoint at step \(step)")
            }
            context.progress(Double(step) / Double(max(steps, 1)), "step \(step)/\(steps)")
        }
        let out = try context.output()
        try out.write("state", shape: [width], values: state)
        try out.write("steps", shape: [1], values: [Int64(steps)])
    }
}

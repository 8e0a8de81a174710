/// A bump allocator for activations and scratch: big chunks of storage carved into tensors.
///
/// Model code allocates every buffer it needs once (for a fixed batch shape) and reuses them on
/// every step, so a training step in steady state allocates nothing. The workspace grows by whole
/// chunks when a request does not fit; ``reset()`` makes all chunks reusable at once.
public final class Workspace: @unchecked Sendable {
    private var chunks: [TensorStorage] = []
    private var chunkIndex = 0
    private var chunkUsed = 0
    /// Minimum size of a new chunk, in floats.
    public let chunkSize: Int

    /// Counts instead of carving (``measure(_:)``).
    private let measuring: Bool

    /// A workspace that grows in chunks of at least `chunkSize` floats (default 4 Mi floats).
    public init(chunkSize: Int = 1 << 22) {
        self.chunkSize = max(chunkSize, 1024)
        measuring = false
    }

    private init(measuring: Bool) {
        chunkSize = 1024
        self.measuring = measuring
    }

    /// The floats one chunk needs to hold everything `build` allocates (with alignment padding), counted without
    /// making that memory resident: the tensors `build` gets are never written (their values are undefined, so
    /// `build` must only allocate). A workspace made with this as its `chunkSize` then carves the same allocations
    /// from one chunk, where one grown chunk by chunk leaves the end of each chunk unused (up to half of it).
    public static func measure(_ build: (Workspace) -> Void) -> Int {
        let w = Workspace(measuring: true)
        build(w)
        return w.used
    }

    /// Total floats owned.
    public var capacity: Int { chunks.reduce(0) { $0 + $1.count } }
    /// Chunks owned.
    public var chunkCount: Int { chunks.count }
    /// Floats handed out since the last ``reset()`` (with alignment padding).
    public private(set) var used = 0

    /// A zeroed tensor of `shape` carved from the workspace (64-byte aligned).
    public func allocate(_ shape: [Int]) -> Tensor {
        let n = Tensor.elementCount(shape)
        if measuring {
            used = ((used + 15) & ~15) + n
            return Tensor(storage: TensorStorage(untouchedCount: n), offset: 0, shape: shape)
        }
        while chunkIndex < chunks.count {
            let start = (chunkUsed + 15) & ~15
            if start + n <= chunks[chunkIndex].count {
                used += start + n - chunkUsed
                chunkUsed = start + n
                let t = Tensor(storage: chunks[chunkIndex], offset: start, shape: shape)
                t.zero()
                return t
            }
            chunkIndex += 1
            chunkUsed = 0
        }
        // A chunk's floats are written only as tensors are carved from it (each carve zeroes its tensor), so the pages of
        // a chunk's uncarved end never become resident: a workspace made as large as the largest pass so far and
        // serving a smaller one holds that one's memory, not the largest's.
        let storage = TensorStorage(untouchedCount: max(chunkSize, n))
        chunks.append(storage)
        chunkIndex = chunks.count - 1
        chunkUsed = n
        used += n
        let t = Tensor(storage: storage, offset: 0, shape: shape)
        t.zero()
        return t
    }

    /// Makes all storage reusable (tensors handed out before must no longer be used).
    public func reset() {
        chunkIndex = 0
        chunkUsed = 0
        used = 0
    }
}

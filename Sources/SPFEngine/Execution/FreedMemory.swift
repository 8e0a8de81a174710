import CHDF5
#if canImport(CMalloc) && os(Linux)
import CMalloc
#endif

/// Gives the pages a finished node freed back to the operating system.
///
/// glibc keeps freed heap memory in its arenas (one per thread that allocated) for reuse, so a process that
/// ran a large node stays that large, and nodes that run later on other threads (each with its own arena)
/// add their memory on top. Measured on the default run without the trim: the resident peak was 6.9 GiB
/// after `train-spf` (what the curation nodes had left plus training's own) and grew to 8.5 GiB while two
/// flat-flow samplers ran; with it, the whole run peaked at 4.9 GiB. Trimming after every node makes the
/// run's peak the largest node's (or the two concurrent nodes'), not the sum of the history.
package enum FreedMemory {
    /// Buffers of at least this many bytes are mapped on their own and unmapped when freed.
    package static let mappedBufferBytes: Int32 = 1 << 20

    /// Fixes glibc's mmap threshold at ``mappedBufferBytes`` (a no-op elsewhere; calling it again changes nothing).
    ///
    /// By default glibc raises the threshold to the size of each mapped buffer freed (up to 32 MiB), so after the
    /// first node freed a few MiB buffer, later buffers of that size come from the arena of the thread that asks
    /// and stay resident there when freed. Two nodes running side by side (two threads, two arenas) then each keep
    /// their high-water mark while the other runs, and `release()` at a node's end cannot return what the other
    /// arena's live node still sits on. Measured with `bench ensemble` (ten 100-member blocks against one, two
    /// jobs): 96 → 132 MiB peak with the moving threshold, 87 → 111 MiB with it fixed at 1 MiB (what is left is the
    /// second block running beside the first); training step times at 16 × 32 and 36 × 72 unchanged (buffers of that
    /// size are few and reused within a step).
    package static func mapLargeBuffers() {
        #if canImport(CMalloc) && os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, mappedBufferBytes)
        #endif
    }

    /// Empties HDF5's free lists, then returns the free memory of every arena to the system (the trim is a no-op where
    /// there is no `malloc_trim`).
    ///
    /// HDF5 keeps the blocks it frees (object headers, B-tree nodes, metadata cache entries, type conversion buffers) on
    /// free lists for reuse, up to 16 MiB and more, so every object a node opened or wrote left some: `bench ensemble`
    /// held about 4 MiB of them after 34 nodes and more after 300. Collected at every node's end (the library is built
    /// thread-safe, one global lock), they no longer grow with the number of nodes a run computes.
    package static func release() {
        _ = H5garbage_collect()
        #if canImport(CMalloc) && os(Linux)
        _ = malloc_trim(0)
        #endif
    }
}

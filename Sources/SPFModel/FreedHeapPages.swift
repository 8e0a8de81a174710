#if canImport(CMalloc) && os(Linux)
import CMalloc
#endif

/// Returns the free pages of glibc's heap arenas to the system between training passes.
///
/// Buffers under glibc's mmap threshold (1 MiB under the node runner) come from the arenas, and when freed their pages
/// stay resident for reuse: a 2° training step's small arrays (per-frame slices, conditioning and forcing arrays, the
/// pass's item arrays) left about 19 MiB of free heap pages resident under the next pass's full workspace (measured
/// with `malloc_trim` called from a debugger in the middle of a step: 35.6 → 16.6 MiB of heap). Releasing them before
/// each pass makes the step's peak the pass's live memory. Values are untouched, so no result changes; the cost is a
/// walk over the free lists and refaulting the pages reused later, a few milliseconds against a step of seconds.
enum FreedHeapPages {
    /// Gives every arena's free pages back (a no-op where there is no `malloc_trim`).
    static func release() {
        #if canImport(CMalloc) && os(Linux)
        _ = malloc_trim(0)
        #endif
    }
}

#if canImport(CMalloc) && os(Linux)
import CMalloc
#endif

/// Gives the pages a finished node freed back to the operating system.
///
/// glibc keeps freed heap memory in its arenas (one per thread that allocated) for reuse, so a process that
/// ran a large node — training holds about 7 GiB of activations — stays that large, and nodes that run
/// later on other threads (each with its own arena) add their memory on top: measured on the default run,
/// the resident peak grew from 6.9 GiB after `train-spf` to 8.5 GiB while two flat-flow samplers ran.
/// Trimming after every node returns that memory, so the run's peak is the largest node's (or the two
/// concurrent nodes'), not the sum of the history.
package enum FreedMemory {
    /// Returns the free memory of every arena to the system (a no-op where there is no `malloc_trim`).
    package static func release() {
        #if canImport(CMalloc) && os(Linux)
        _ = malloc_trim(0)
        #endif
    }
}

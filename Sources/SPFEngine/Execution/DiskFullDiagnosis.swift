import Foundation

/// A node that failed because the cache's file system is full, told as one ``EngineError`` (`.diskFull`)
/// naming the node, the file it was writing and the space left, instead of the bare library error (HDF5's
/// "H5Dwrite_chunk failed", netCDF's "HDF error"). Recognised from a `.noSpace` store error, a message
/// carrying ENOSPC/EDQUOT text, or the cache's file system having less than
/// ``FileSystemSpace/nearlyFullBytes`` free when the node failed (measured before its temporaries go).
package enum DiskFullDiagnosis {
    /// The `.diskFull` error for `error`, or nil when the failure does not look like a full file system.
    /// `writing` are the node's uncommitted output files; `space` the cache's file system at the failure.
    package static func error(for error: Error, node: String, cache: URL, writing: [String],
                              space: FileSystemSpace?) -> EngineError? {
        let store = error as? StoreError
        let detail = store?.message ?? (error as? EngineError)?.message ?? "\(error)"
        let reported = store?.code == .noSpace || FileSystemSpace.mentionsOutOfSpace("\(error)")
        guard reported || space?.isNearlyFull == true else { return nil }
        let file = store?.path ?? writing.first ?? cache.path
        let left = space.map { "; the cache's file system (\(cache.path)) has \($0.text)" } ?? ""
        let what = reported ? "no space left on device writing \(file) (\(detail))"
                            : "failed writing its output \(file) (or its files directory) while the cache's file system was full (\(detail))"
        return EngineError(.diskFull, what + left + ". Nothing partial was committed and finished nodes stay cached: "
                           + "free space (or move the cache to a larger file system) and rerun to resume", node: node)
    }
}

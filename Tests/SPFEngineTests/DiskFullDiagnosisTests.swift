import Foundation
import SPFEngine
import Testing

/// How a node failure becomes a `.diskFull` engine error naming the node, the file and the space left.
@Suite struct DiskFullDiagnosisTests {
    let cache = URL(fileURLWithPath: "/scratch/cache")
    let roomy = FileSystemSpace(availableBytes: 50 << 30, totalBytes: 100 << 30)
    let full = FileSystemSpace(availableBytes: 0, totalBytes: 60 << 20)

    @Test func noSpaceStoreErrorNamesNodeFileAndSpace() throws {
        let store = StoreError(.noSpace, "H5Dwrite_chunk failed for chunk 0 of dataset values: no space left on device",
                               path: "/scratch/cache/tmp/abc.h5")
        let error = try #require(DiskFullDiagnosis.error(for: store, node: "curate-x", cache: cache, writing: [], space: full))
        #expect(error.code == .diskFull && error.node == "curate-x")
        #expect(error.message.hasPrefix("no space left on device writing /scratch/cache/tmp/abc.h5 (H5Dwrite_chunk failed"), "\(error.message)")
        #expect(error.message.contains("the cache's file system (/scratch/cache) has 0 B free of 60.0 MiB"), "\(error.message)")
        #expect(error.description.contains("node 'curate-x'"))
        // Reported by the store, it is a disk-full error whatever the space is now.
        #expect(DiskFullDiagnosis.error(for: store, node: "n", cache: cache, writing: [], space: roomy)?.code == .diskFull)
    }

    @Test func libraryFailureOnAFullFileSystemNamesTheOutput() throws {
        struct LibraryError: Error, CustomStringConvertible { var description = "nc_close failed: NetCDF: HDF error" }
        let error = try #require(DiskFullDiagnosis.error(for: LibraryError(), node: "suite", cache: cache,
                                                         writing: ["/scratch/cache/tmp/k.h5"], space: full))
        #expect(error.message.hasPrefix("failed writing its output /scratch/cache/tmp/k.h5"), "\(error.message)")
        #expect(error.message.contains("NetCDF: HDF error") && error.message.contains("0 B free of 60.0 MiB"))
        // The same failure with room to spare is not about space; neither is one whose text says nothing of it.
        #expect(DiskFullDiagnosis.error(for: LibraryError(), node: "suite", cache: cache, writing: [], space: roomy) == nil)
        #expect(DiskFullDiagnosis.error(for: StoreError(.hdf5, "cannot open dataset v"), node: "n", cache: cache, writing: [], space: roomy) == nil)
        // ENOSPC spelled out by a library counts.
        struct Errno: Error, CustomStringConvertible { var description = "write failed: No space left on device" }
        #expect(DiskFullDiagnosis.error(for: Errno(), node: "n", cache: cache, writing: [], space: roomy)?.code == .diskFull)
    }

    @Test func hdf5ErrorStackTextIsRecognised() {
        #expect(FileSystemSpace.mentionsOutOfSpace("file write failed: time = Sun Dec  6, filename = '/x.h5', file descriptor = 7, errno = 28, error message = 'No space left on device'"))
        #expect(FileSystemSpace.mentionsOutOfSpace("errno = 122, error message = 'Disk quota exceeded'"))
        #expect(!FileSystemSpace.mentionsOutOfSpace("errno = 2, error message = 'No such file or directory'"))
        #expect(FileSystemSpace.isOutOfSpace(errno: ENOSPC) && FileSystemSpace.isOutOfSpace(errno: EDQUOT) && !FileSystemSpace.isOutOfSpace(errno: EIO))
    }
}

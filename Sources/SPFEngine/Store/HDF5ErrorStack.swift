import CHDF5
import Foundation

/// The calling thread's HDF5 error stack (read right after a failed call, before the next API call
/// clears it): HDF5 reports the cause of a failed write, such as `errno = 28, error message = 'No space
/// left on device'`, only there.
package enum HDF5ErrorStack {
    /// The descriptions on the stack, innermost (the library's own cause) first.
    package static func descriptions() -> [String] {
        var collected: [String] = []
        withUnsafeMutablePointer(to: &collected) { pointer in
            _ = H5Ewalk2(hdf5Default, H5E_WALK_UPWARD, { _, entry, data in
                guard let entry, let data, let description = entry.pointee.desc else { return 0 }
                data.assumingMemoryBound(to: [String].self).pointee.append(String(cString: description))
                return 0
            }, pointer)
        }
        return collected
    }
}

import CHDF5
import CNetCDF
import Foundation

/// Access to the netCDF-C library, which is not thread-safe: every call goes through `locked`.
///
/// ClimateData imports the HDF5 C module for one call, `H5Eset_auto2`, and that is the one place it may:
/// netCDF-4 files are HDF5 files read by the HDF5 library inside netCDF-C, and HDF5's thread-safe build
/// keeps its error printing per thread, so it must be silenced on the thread that makes the netCDF call,
/// inside this lock. No other module can do it at that moment without knowing about netCDF calls, and
/// ClimateData uses nothing else of HDF5 (the cache's HDF5 code stays in SPFEngine). docs/layout.md says so.
enum NetCDFLibrary {
    /// Serialises all netCDF-C calls of this process (netCDF-C keeps global state per open file).
    static let lock = NSLock()

    /// Runs `body` while holding the netCDF lock.
    static func locked<T>(_ body: () throws(ClimateDataError) -> T) throws(ClimateDataError) -> T {
        lock.lock()
        defer { lock.unlock() }
        // HDF5 (below netCDF-4) keeps its automatic error printing per thread in its thread-safe
        // build; expected misses (absent attributes) would otherwise print error stacks.
        H5Eset_auto2(hid_t(0), nil, nil)
        return try body()
    }

    /// Throws a `.netcdf` error naming the operation, file and variable if `status` is not NC_NOERR.
    static func check(_ status: Int32, _ operation: String, file: String, variable: String? = nil) throws(ClimateDataError) {
        guard status != NC_NOERR else { return }
        let text = String(cString: nc_strerror(status))
        let code: ClimateDataError.Code = (status == NC_ENOTVAR || status == NC_ENOTATT || status == NC_EBADDIM || status == ENOENT) ? .notFound : .netcdf
        throw ClimateDataError(code, "\(operation) failed: \(text) (netCDF status \(status))", file: file, variable: variable)
    }
}

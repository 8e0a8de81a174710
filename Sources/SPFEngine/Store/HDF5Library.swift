import CH5Zstd
import CHDF5
import Foundation

/// One-time HDF5 set-up for the store: the zstd filter registered, automatic error printing off.
package enum HDF5Library {
    private static let ready: Bool = {
        H5open()
        H5Eset_auto2(hdf5Default, nil, nil)
        return spf_h5zstd_register() == 0
    }()

    /// Makes sure the library is initialised and the zstd filter registered.
    package static func ensureReady() throws {
        if !ready { throw StoreError(.hdf5, "could not register the zstd HDF5 filter (id 32015)") }
    }

    /// A file access property list without HDF5's own file locks: store objects are immutable once
    /// committed (temporary names, rename, commit record), so HDF5's flock adds nothing and only
    /// fails on file systems without locks (NFS, Lustre). The caller closes it.
    package static func fileAccessWithoutLocking() -> hid_t {
        let fapl = H5Pcreate(spf_h5p_file_access())
        if fapl >= 0 { H5Pset_file_locking(fapl, false, true) }
        return fapl
    }

    /// Throws a `.hdf5` error when `status` is negative, or `.noSpace` when HDF5's error stack says the
    /// write failed because the file system is full (ENOSPC) or over quota (EDQUOT).
    @discardableResult
    package static func check<T: BinaryInteger>(_ status: T, _ what: @autoclosure () -> String,
                                                path: String? = nil) throws -> T {
        if status < 0 { throw failure(what(), path: path) }
        return status
    }

    /// The error for a failed HDF5 call (call right after it: the next API call clears the error stack).
    package static func failure(_ what: String, path: String?) -> StoreError {
        if HDF5ErrorStack.descriptions().contains(where: FileSystemSpace.mentionsOutOfSpace) {
            return StoreError(.noSpace, "\(what): no space left on device", path: path)
        }
        return StoreError(.hdf5, what, path: path)
    }
}

/// Writes and reads UTF-8 string attributes (variable-length, what h5py returns as `str`).
package enum HDF5StringAttribute {
    /// Creates or replaces attribute `name` on object `location`.
    package static func write(_ name: String, _ value: String, on location: hid_t, path: String) throws {
        if H5Aexists(location, name) > 0 { H5Adelete(location, name) }
        let type = H5Tcopy(spf_h5t_c_s1())
        defer { H5Tclose(type) }
        H5Tset_size(type, Int(bitPattern: UInt(bitPattern: -1)))  // H5T_VARIABLE
        H5Tset_cset(type, H5T_CSET_UTF8)
        let space = H5Screate(H5S_SCALAR)
        defer { H5Sclose(space) }
        let attr = try HDF5Library.check(H5Acreate2(location, name, type, space, hdf5Default, hdf5Default),
                                         "cannot create attribute \(name)", path: path)
        defer { H5Aclose(attr) }
        let status: herr_t = value.withCString { cstr in
            var pointer: UnsafePointer<CChar>? = cstr
            return withUnsafeMutablePointer(to: &pointer) { H5Awrite(attr, type, $0) }
        }
        try HDF5Library.check(status, "cannot write attribute \(name)", path: path)
    }

    /// All string attributes of `location` (fixed- or variable-length); other attributes are skipped.
    package static func readAll(on location: hid_t) -> [String: String] {
        var info = H5O_info_t()
        guard H5Oget_info2(location, &info, UInt32(H5O_INFO_NUM_ATTRS)) >= 0 else { return [:] }
        var result: [String: String] = [:]
        for index in 0..<info.num_attrs {
            let attr = H5Aopen_by_idx(location, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, index, hdf5Default, hdf5Default)
            let opened = attr >= 0 ? attr : H5Aopen_by_idx(location, ".", H5_INDEX_NAME, H5_ITER_INC, index, hdf5Default, hdf5Default)
            guard opened >= 0 else { continue }
            defer { H5Aclose(opened) }
            let nameLength = H5Aget_name(opened, 0, nil)
            guard nameLength > 0 else { continue }
            var nameBytes = [CChar](repeating: 0, count: nameLength + 1)
            H5Aget_name(opened, nameLength + 1, &nameBytes)
            let name = String(decoding: nameBytes.prefix(nameLength).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let value = readString(opened) { result[name] = value }
        }
        return result
    }

    private static func readString(_ attr: hid_t) -> String? {
        let type = H5Aget_type(attr)
        defer { H5Tclose(type) }
        guard H5Tget_class(type) == H5T_STRING else { return nil }
        let space = H5Aget_space(attr)
        defer { H5Sclose(space) }
        guard H5Sget_simple_extent_npoints(space) == 1 else { return nil }
        if H5Tis_variable_str(type) > 0 {
            let memType = H5Tcopy(spf_h5t_c_s1())
            defer { H5Tclose(memType) }
            H5Tset_size(memType, Int(bitPattern: UInt(bitPattern: -1)))
            H5Tset_cset(memType, H5Tget_cset(type))
            var pointer: UnsafeMutablePointer<CChar>? = nil
            guard H5Aread(attr, memType, &pointer) >= 0, let pointer else { return nil }
            defer { H5free_memory(pointer) }
            return String(cString: pointer)
        }
        let size = H5Tget_size(type)
        var bytes = [UInt8](repeating: 0, count: size + 1)
        guard H5Aread(attr, type, &bytes) >= 0 else { return nil }
        let end = bytes.firstIndex(of: 0) ?? size
        return String(decoding: bytes[..<end], as: UTF8.self)
    }
}

/// `H5P_DEFAULT` (and `H5E_DEFAULT`) as a `hid_t`; the macros import as Int32.
package let hdf5Default: hid_t = 0
/// `H5S_ALL` as a `hid_t`.
package let hdf5All: hid_t = 0

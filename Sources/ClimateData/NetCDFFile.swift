import CNetCDF
import Foundation

/// One variable of an open netCDF file: name, type, dimensions, shape and attributes.
public struct NetCDFVariableInfo: Sendable {
    /// netCDF variable id.
    public var id: Int32
    /// Variable name.
    public var name: String
    /// netCDF type id (NC_FLOAT, NC_DOUBLE …).
    public var type: Int32
    /// Dimension names, slowest-varying first.
    public var dimensions: [String]
    /// Extent of each dimension.
    public var shape: [Int]
    /// Attributes, in file order.
    public var attributes: [(name: String, value: CFAttribute)]

    /// The attribute named `name`, if present.
    public func attribute(_ name: String) -> CFAttribute? { attributes.first { $0.name == name }?.value }

    /// A text attribute, if present and text.
    public func text(_ name: String) -> String? { attribute(name)?.text }
}

/// A netCDF file opened read-only through netCDF-C (netCDF-3 classic/64-bit/CDF5 and netCDF-4).
/// Closed on deinit. Calls are serialised by a process-wide lock, as netCDF-C is not thread-safe.
public final class NetCDFFile: @unchecked Sendable {
    /// The file path.
    public let path: String
    let ncid: Int32
    /// Dimensions: name and length, in id order.
    public let dimensions: [(name: String, length: Int)]
    /// Variables, in id order.
    public let variables: [NetCDFVariableInfo]
    /// Global attributes.
    public let globalAttributes: [(name: String, value: CFAttribute)]
    /// The on-disk format (`netCDF-4`, `netCDF-4 classic model`, `netCDF-3 classic`, …).
    public let format: String

    /// Opens `path`; a `.notFound` or `.netcdf` error names the file if it cannot be opened.
    public init(path: String) throws(ClimateDataError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ClimateDataError(.notFound, "no such file", file: path)
        }
        var id: Int32 = -1
        let opened: (Int32, [(String, Int)], [NetCDFVariableInfo], [(String, CFAttribute)], String) = try NetCDFLibrary.locked { () throws(ClimateDataError) in
            try NetCDFLibrary.check(nc_open(path, NC_NOWRITE, &id), "nc_open", file: path)
            do throws(ClimateDataError) {
                var ndims: Int32 = 0, nvars: Int32 = 0, ngatts: Int32 = 0, unlim: Int32 = 0, fmt: Int32 = 0
                try NetCDFLibrary.check(nc_inq(id, &ndims, &nvars, &ngatts, &unlim), "nc_inq", file: path)
                _ = nc_inq_format(id, &fmt)
                var dims: [(String, Int)] = []
                for d in 0..<ndims {
                    var buf = [CChar](repeating: 0, count: Int(NC_MAX_NAME) + 1)
                    var len = 0
                    try NetCDFLibrary.check(nc_inq_dim(id, d, &buf, &len), "nc_inq_dim", file: path)
                    dims.append((NetCDFFile.string(buf), len))
                }
                // Dimension ids are not always 0..<ndims in netCDF-4 groups; map through nc_inq_dimids.
                var dimIds = [Int32](repeating: 0, count: Int(ndims))
                var nd: Int32 = 0
                _ = nc_inq_dimids(id, &nd, &dimIds, 0)
                var dimById: [Int32: (String, Int)] = [:]
                for (k, did) in dimIds.prefix(Int(nd)).enumerated() where k < dims.count { dimById[did] = dims[k] }
                var vars: [NetCDFVariableInfo] = []
                for v in 0..<nvars {
                    var buf = [CChar](repeating: 0, count: Int(NC_MAX_NAME) + 1)
                    var type: nc_type = 0, vnd: Int32 = 0, natts: Int32 = 0
                    var vdims = [Int32](repeating: 0, count: Int(NC_MAX_VAR_DIMS))
                    try NetCDFLibrary.check(nc_inq_var(id, v, &buf, &type, &vnd, &vdims, &natts), "nc_inq_var", file: path)
                    let name = NetCDFFile.string(buf)
                    var dnames: [String] = [], shape: [Int] = []
                    for k in 0..<Int(vnd) {
                        guard let d = dimById[vdims[k]] else {
                            throw ClimateDataError(.malformed, "dimension id \(vdims[k]) unknown", file: path, variable: name)
                        }
                        dnames.append(d.0); shape.append(d.1)
                    }
                    let atts = try NetCDFFile.readAttributes(id, v, natts, path: path, variable: name)
                    vars.append(NetCDFVariableInfo(id: v, name: name, type: type, dimensions: dnames, shape: shape, attributes: atts))
                }
                let gatts = try NetCDFFile.readAttributes(id, NC_GLOBAL, ngatts, path: path, variable: nil)
                let formatName: String
                switch fmt {
                case NC_FORMAT_CLASSIC: formatName = "netCDF-3 classic"
                case NC_FORMAT_64BIT_OFFSET: formatName = "netCDF-3 64-bit offset"
                case NC_FORMAT_CDF5: formatName = "netCDF-3 CDF5"
                case NC_FORMAT_NETCDF4: formatName = "netCDF-4"
                case NC_FORMAT_NETCDF4_CLASSIC: formatName = "netCDF-4 classic model"
                default: formatName = "netCDF format \(fmt)"
                }
                return (id, dims, vars, gatts, formatName)
            } catch {
                nc_close(id)
                throw error
            }
        }
        ncid = opened.0
        dimensions = opened.1.map { (name: $0.0, length: $0.1) }
        variables = opened.2
        globalAttributes = opened.3.map { (name: $0.0, value: $0.1) }
        format = opened.4
    }

    deinit {
        NetCDFLibrary.lock.lock()
        nc_close(ncid)
        NetCDFLibrary.lock.unlock()
    }

    /// The file name (last path component), for messages.
    public var fileName: String { (path as NSString).lastPathComponent }

    /// The variable named `name`, or a `.notFound` error naming file and variable.
    public func variable(_ name: String) throws(ClimateDataError) -> NetCDFVariableInfo {
        guard let v = variables.first(where: { $0.name == name }) else {
            throw ClimateDataError(.notFound, "no variable '\(name)' (variables: \(variables.map(\.name).joined(separator: ", ")))", file: path, variable: name)
        }
        return v
    }

    /// Whether a variable named `name` exists.
    public func hasVariable(_ name: String) -> Bool { variables.contains { $0.name == name } }

    /// A global text attribute.
    public func globalText(_ name: String) -> String? { globalAttributes.first { $0.name == name }?.value.text }

    /// Reads a hyperslab of `variable` converted to Double (raw values, no unpacking or masking).
    /// `start`/`count` default to the whole variable. Result has `count.reduce(1, *)` values, row-major.
    public func readDoubles(_ variable: NetCDFVariableInfo, start: [Int]? = nil, count: [Int]? = nil) throws(ClimateDataError) -> [Double] {
        let st = start ?? [Int](repeating: 0, count: variable.shape.count)
        let ct = count ?? variable.shape
        guard st.count == variable.shape.count, ct.count == variable.shape.count else {
            throw ClimateDataError(.invalidArgument, "slab rank \(st.count)/\(ct.count) does not match variable rank \(variable.shape.count)", file: path, variable: variable.name)
        }
        for k in 0..<st.count where st[k] < 0 || ct[k] < 0 || st[k] + ct[k] > variable.shape[k] {
            throw ClimateDataError(.invalidArgument, "slab \(st)+\(ct) outside shape \(variable.shape)", file: path, variable: variable.name)
        }
        if variable.type == NC_CHAR || variable.type == NC_STRING {
            throw ClimateDataError(.unsupported, "variable has a text type and holds no numbers", file: path, variable: variable.name)
        }
        let n = ct.reduce(1, *)
        var out = [Double](repeating: 0, count: n)
        if n == 0 { return out }
        try NetCDFLibrary.locked { () throws(ClimateDataError) in
            let status = out.withUnsafeMutableBufferPointer { buf in
                nc_get_vara_double(ncid, variable.id, st, ct, buf.baseAddress)
            }
            // NC_ERANGE only reports values outside the double range (impossible) or int conversions; anything else fails.
            if status != NC_ERANGE {
                try NetCDFLibrary.check(status, "nc_get_vara_double", file: path, variable: variable.name)
            }
        }
        return out
    }

    /// Reads a hyperslab of a float variable as Float (no conversion cost); same contract as `readDoubles`.
    public func readFloats(_ variable: NetCDFVariableInfo, start: [Int], count: [Int]) throws(ClimateDataError) -> [Float] {
        guard start.count == variable.shape.count, count.count == variable.shape.count else {
            throw ClimateDataError(.invalidArgument, "slab rank does not match variable rank \(variable.shape.count)", file: path, variable: variable.name)
        }
        for k in 0..<start.count where start[k] < 0 || count[k] < 0 || start[k] + count[k] > variable.shape[k] {
            throw ClimateDataError(.invalidArgument, "slab \(start)+\(count) outside shape \(variable.shape)", file: path, variable: variable.name)
        }
        let n = count.reduce(1, *)
        var out = [Float](repeating: 0, count: n)
        if n == 0 { return out }
        try NetCDFLibrary.locked { () throws(ClimateDataError) in
            let status = out.withUnsafeMutableBufferPointer { buf in
                nc_get_vara_float(ncid, variable.id, start, count, buf.baseAddress)
            }
            try NetCDFLibrary.check(status, "nc_get_vara_float", file: path, variable: variable.name)
        }
        return out
    }

    /// netCDF's default fill value for a numeric type (what unwritten data read back as), or nil
    /// for byte types, which netCDF4-python does not mask either.
    public static func defaultFill(type: Int32) -> Double? {
        switch type {
        case NC_FLOAT: return Double(NC_FILL_FLOAT)
        case NC_DOUBLE: return NC_FILL_DOUBLE
        case NC_SHORT: return Double(NC_FILL_SHORT)
        case NC_INT: return Double(NC_FILL_INT)
        case NC_USHORT: return Double(NC_FILL_USHORT)
        case NC_UINT: return Double(NC_FILL_UINT)
        case NC_INT64: return Double(Int64(-9_223_372_036_854_775_806))
        default: return nil
        }
    }

    static func string(_ buf: [CChar]) -> String {
        let bytes = buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func readAttributes(_ ncid: Int32, _ varid: Int32, _ natts: Int32, path: String, variable: String?) throws(ClimateDataError) -> [(String, CFAttribute)] {
        var out: [(String, CFAttribute)] = []
        // try?: the size only bounds an attribute-length sanity check; without it the check uses the attribute alone
        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        for a in 0..<natts {
            var nameBuf = [CChar](repeating: 0, count: Int(NC_MAX_NAME) + 1)
            try NetCDFLibrary.check(nc_inq_attname(ncid, varid, a, &nameBuf), "nc_inq_attname", file: path, variable: variable)
            let name = string(nameBuf)
            var type: nc_type = 0, len = 0
            try NetCDFLibrary.check(nc_inq_att(ncid, varid, nameBuf, &type, &len), "nc_inq_att \(name)", file: path, variable: variable)
            // Every value takes at least a byte of the file: a corrupt header can declare billions (found
            // by `make fuzz`), which would be allocated below before netCDF refuses to read them.
            guard len <= max(fileBytes ?? Int(Int32.max), 1) else {
                throw ClimateDataError(.malformed, "attribute '\(name)' declares \(len) values, more than the file's \(fileBytes ?? 0) bytes could hold: the file is corrupt",
                                       file: path, variable: variable)
            }
            switch type {
            case NC_CHAR:
                var bytes = [CChar](repeating: 0, count: len + 1)
                try NetCDFLibrary.check(nc_get_att_text(ncid, varid, nameBuf, &bytes), "nc_get_att_text \(name)", file: path, variable: variable)
                out.append((name, .text(string(bytes))))
            case NC_STRING:
                var ptrs = [UnsafeMutablePointer<CChar>?](repeating: nil, count: len)
                try NetCDFLibrary.check(nc_get_att_string(ncid, varid, nameBuf, &ptrs), "nc_get_att_string \(name)", file: path, variable: variable)
                let s = ptrs.map { $0.map { String(cString: $0) } ?? "" }.joined(separator: "\n")
                _ = nc_free_string(len, &ptrs)
                out.append((name, .text(s)))
            default:
                var vals = [Double](repeating: 0, count: max(len, 1))
                let status = nc_get_att_double(ncid, varid, nameBuf, &vals)
                if status == NC_NOERR || status == NC_ERANGE {
                    out.append((name, .numbers(Array(vals.prefix(len)), type: type)))
                } else {
                    // Attributes of exotic types (compound, opaque …) are skipped rather than failing the file.
                    continue
                }
            }
        }
        return out
    }
}

import CNetCDF

/// Writes netCDF attributes from `CFAttribute`s: text as NC_CHAR, numbers in their own type.
enum NetCDFText {
    /// Writes one attribute; returns the netCDF status.
    static func put(ncid: Int32, varid: Int32, name: String, value: CFAttribute) -> Int32 {
        switch value {
        case .text(let s): return put(ncid: ncid, varid: varid, name: name, value: s)
        case .numbers(let v, let type):
            let t: nc_type = [NC_BYTE, NC_SHORT, NC_INT, NC_FLOAT, NC_DOUBLE, NC_UBYTE, NC_USHORT, NC_UINT, NC_INT64, NC_UINT64].contains(type) ? type : NC_DOUBLE
            return nc_put_att_double(ncid, varid, name, t, v.count, v)
        }
    }

    /// Writes a text attribute; returns the netCDF status.
    static func put(ncid: Int32, varid: Int32, name: String, value: String) -> Int32 {
        let bytes = Array(value.utf8)
        return bytes.withUnsafeBufferPointer { buf in
            buf.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { nc_put_att_text(ncid, varid, name, bytes.count, $0) }
            } ?? nc_put_att_text(ncid, varid, name, 0, "")
        }
    }
}

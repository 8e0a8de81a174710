import CNetCDF
import Foundation

/// Writes one CF-1.8 netCDF-4 file (shuffle + deflate) described by a `CFFileSpec`, streaming
/// the data in time slabs. The file is written to `<path>.partial` and renamed on `close()`,
/// so an interrupted write never leaves a half file under the final name.
///
/// NaN values are written as the fill value 1e20f (`_FillValue` and `missing_value`).
/// zstd is deliberately not used: `nc_def_var_zstandard` is a silent no-op in Debian's
/// netCDF-C 4.9.0 and zstd netCDF files need a plugin most readers lack.
public final class CFWriter {
    /// Final path.
    public let path: String
    /// The layout.
    public let spec: CFFileSpec
    /// The fill value written for NaN.
    public static let fillValue: Float = 1e20
    private let partialPath: String
    private var ncid: Int32 = -1
    private var dataVars: [String: Int32] = [:]
    private var closed = false

    /// Creates the file and writes all metadata and coordinates; data follow with `write`.
    public init(path: String, spec: CFFileSpec) throws(ClimateDataError) {
        self.path = path
        self.spec = spec
        self.partialPath = path + ".partial"
        guard (0...9).contains(spec.deflateLevel) else {
            throw ClimateDataError(.invalidArgument, "deflate level \(spec.deflateLevel) not in 0…9", file: path)
        }
        guard spec.time.count > 0 else { throw ClimateDataError(.invalidArgument, "no time steps to write", file: path) }
        if let l = spec.levels, spec.members != nil || l.values.isEmpty {
            throw ClimateDataError(.invalidArgument, "a vertical dimension needs at least one level and no member dimension", file: path)
        }
        var seen: Set<String> = ["time", "time_bnds", "lat", "lat_bnds", "lon", "lon_bnds", "member", "member_id", "bnds"]
        for name in spec.dataVariables.map(\.name) where !seen.insert(name).inserted {
            throw ClimateDataError(.invalidArgument, "data variable name '\(name)' is used twice or clashes with a coordinate", file: path, variable: name)
        }
        try define()
    }

    deinit {
        if !closed {
            NetCDFLibrary.lock.lock()
            nc_close(ncid)
            NetCDFLibrary.lock.unlock()
            // try?: removing our own partial file after a failure; the failure itself is thrown
            try? FileManager.default.removeItem(atPath: partialPath)
        }
    }

    private func check(_ status: Int32, _ op: String, _ variable: String? = nil) throws(ClimateDataError) {
        try NetCDFLibrary.check(status, op, file: path, variable: variable)
    }

    private func putText(_ varid: Int32, _ name: String, _ value: String, _ vname: String?) throws(ClimateDataError) {
        let bytes = Array(value.utf8)
        let status = bytes.withUnsafeBufferPointer { buf in
            buf.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { nc_put_att_text(ncid, varid, name, bytes.count, $0) }
            } ?? nc_put_att_text(ncid, varid, name, 0, "")
        }
        try check(status, "nc_put_att_text \(name)", vname)
    }

    private func putAttribute(_ varid: Int32, _ name: String, _ value: CFAttribute, _ vname: String?) throws(ClimateDataError) {
        switch value {
        case .text(let s): try putText(varid, name, s, vname)
        case .numbers(let v, let type):
            let t: nc_type = [NC_BYTE, NC_SHORT, NC_INT, NC_FLOAT, NC_DOUBLE, NC_UBYTE, NC_USHORT, NC_UINT, NC_INT64, NC_UINT64].contains(type) ? type : NC_DOUBLE
            try check(nc_put_att_double(ncid, varid, name, t, v.count, v), "nc_put_att \(name)", vname)
        }
    }

    private func defVar(_ name: String, _ type: nc_type, _ dims: [Int32]) throws(ClimateDataError) -> Int32 {
        var id: Int32 = -1
        try check(nc_def_var(ncid, name, type, Int32(dims.count), dims, &id), "nc_def_var", name)
        return id
    }

    private func define() throws(ClimateDataError) {
        let s = spec
        let g = s.grid
        try NetCDFLibrary.locked { () throws(ClimateDataError) in
            // try?: a partial file of an earlier, killed attempt may not exist; nc_create below reports real failures
            try? FileManager.default.removeItem(atPath: partialPath)
            try check(nc_create(partialPath, NC_NETCDF4 | NC_CLOBBER, &ncid), "nc_create")
            var dMember: Int32 = -1, dTime: Int32 = -1, dLat: Int32 = -1, dLon: Int32 = -1, dB: Int32 = -1, dStr: Int32 = -1
            if let m = s.members {
                try check(nc_def_dim(ncid, "member", m.count, &dMember), "nc_def_dim member")
            }
            try check(nc_def_dim(ncid, "time", s.time.count, &dTime), "nc_def_dim time")
            var dLev: Int32 = -1, vLev: Int32 = -1
            if let l = s.levels {
                try check(nc_def_dim(ncid, l.name, l.values.count, &dLev), "nc_def_dim \(l.name)")
                vLev = try defVar(l.name, NC_DOUBLE, [dLev])
                try putText(vLev, "units", l.units, l.name)
                try putText(vLev, "axis", "Z", l.name)
                if let sn = l.standardName { try putText(vLev, "standard_name", sn, l.name) }
                if let p = l.positive { try putText(vLev, "positive", p, l.name) }
            }
            try check(nc_def_dim(ncid, "lat", g.nlat, &dLat), "nc_def_dim lat")
            try check(nc_def_dim(ncid, "lon", g.nlon, &dLon), "nc_def_dim lon")
            try check(nc_def_dim(ncid, "bnds", 2, &dB), "nc_def_dim bnds")

            // Coordinates.
            let vTime = try defVar("time", NC_DOUBLE, [dTime])
            try putText(vTime, "standard_name", "time", "time")
            try putText(vTime, "long_name", "time", "time")
            try putText(vTime, "units", s.time.units.description, "time")
            try putText(vTime, "calendar", s.time.calendar.cfName, "time")
            try putText(vTime, "axis", "T", "time")
            var vTimeB: Int32 = -1
            if s.time.bounds != nil {
                try putText(vTime, "bounds", "time_bnds", "time")
                vTimeB = try defVar("time_bnds", NC_DOUBLE, [dTime, dB])
            }
            let vLat = try defVar("lat", NC_DOUBLE, [dLat])
            try putText(vLat, "standard_name", "latitude", "lat")
            try putText(vLat, "long_name", "latitude", "lat")
            try putText(vLat, "units", "degrees_north", "lat")
            try putText(vLat, "axis", "Y", "lat")
            var vLatB: Int32 = -1, vLonB: Int32 = -1
            if s.writeGridBounds {
                try putText(vLat, "bounds", "lat_bnds", "lat")
                vLatB = try defVar("lat_bnds", NC_DOUBLE, [dLat, dB])
            }
            let vLon = try defVar("lon", NC_DOUBLE, [dLon])
            try putText(vLon, "standard_name", "longitude", "lon")
            try putText(vLon, "long_name", "longitude", "lon")
            try putText(vLon, "units", "degrees_east", "lon")
            try putText(vLon, "axis", "X", "lon")
            if s.writeGridBounds {
                try putText(vLon, "bounds", "lon_bnds", "lon")
                vLonB = try defVar("lon_bnds", NC_DOUBLE, [dLon, dB])
            }
            var vMember: Int32 = -1, vMemberId: Int32 = -1
            var labelLength = 1
            if let m = s.members {
                vMember = try defVar("member", NC_INT, [dMember])
                try putText(vMember, "standard_name", "realization", "member")
                try putText(vMember, "long_name", "ensemble member number", "member")
                try putText(vMember, "units", "1", "member")
                labelLength = max(1, m.map { $0.utf8.count }.max() ?? 1)
                try check(nc_def_dim(ncid, "member_strlen", labelLength, &dStr), "nc_def_dim member_strlen")
                vMemberId = try defVar("member_id", NC_CHAR, [dMember, dStr])
                try putText(vMemberId, "long_name", "ensemble member label", "member_id")
            }
            var scalarIds: [Int32] = []
            for c in s.scalarCoordinates {
                let id = try defVar(c.name, NC_DOUBLE, [])
                try putText(id, "units", c.units, c.name)
                if let sn = c.standardName { try putText(id, "standard_name", sn, c.name) }
                if let p = c.positive { try putText(id, "positive", p, c.name) }
                if let ln = c.longName { try putText(id, "long_name", ln, c.name) }
                if let a = c.axis { try putText(id, "axis", a, c.name) }
                scalarIds.append(id)
            }

            // The data variables.
            let chunkT = max(1, min(s.timeStepsPerChunk, s.time.count))
            let dataDims: [Int32], chunks: [Int]
            if s.levels != nil {
                dataDims = [dTime, dLev, dLat, dLon]; chunks = [1, 1, g.nlat, g.nlon]
            } else if s.members == nil {
                dataDims = [dTime, dLat, dLon]; chunks = [chunkT, g.nlat, g.nlon]
            } else if s.memberLayout == .memberFirst {
                dataDims = [dMember, dTime, dLat, dLon]; chunks = [1, chunkT, g.nlat, g.nlon]
            } else {
                dataDims = [dTime, dMember, dLat, dLon]; chunks = [chunkT, 1, g.nlat, g.nlon]
            }
            for v in s.dataVariables {
                let dataVar = try defVar(v.name, NC_FLOAT, dataDims)
                dataVars[v.name] = dataVar
                try check(nc_def_var_chunking(ncid, dataVar, NC_CHUNKED, chunks), "nc_def_var_chunking", v.name)
                if s.memberChunkCache && s.members != nil {
                    // One member's write covers whole chunks (one member per chunk): room for them, evicted fully written first.
                    let chunkBytes = chunks.reduce(MemoryLayout<Float>.size, *)
                    let perMember = (s.time.count + chunkT - 1) / chunkT
                    try check(nc_set_var_chunk_cache(ncid, dataVar, chunkBytes * perMember, max(perMember, 1) * 2 + 1, 1.0),
                              "nc_set_var_chunk_cache", v.name)
                }
                if s.deflateLevel > 0 {
                    try check(nc_def_var_deflate(ncid, dataVar, 1, 1, Int32(s.deflateLevel)), "nc_def_var_deflate", v.name)
                }
                var fill = CFWriter.fillValue
                try check(nc_def_var_fill(ncid, dataVar, 0, &fill), "nc_def_var_fill", v.name)
                try check(nc_put_att_float(ncid, dataVar, "missing_value", NC_FLOAT, 1, &fill), "nc_put_att missing_value", v.name)
                if let sn = v.standardName { try putText(dataVar, "standard_name", sn, v.name) }
                if let ln = v.longName { try putText(dataVar, "long_name", ln, v.name) }
                try putText(dataVar, "units", v.units, v.name)
                if let cm = v.cellMethods { try putText(dataVar, "cell_methods", cm, v.name) }
                if !s.scalarCoordinates.isEmpty {
                    try putText(dataVar, "coordinates", s.scalarCoordinates.map(\.name).joined(separator: " "), v.name)
                }
                for a in v.extraAttributes { try putAttribute(dataVar, a.name, a.value, v.name) }
            }

            // Global attributes.
            try putText(NC_GLOBAL, "Conventions", "CF-1.8", nil)
            for a in s.globalAttributes where a.name != "Conventions" { try putAttribute(NC_GLOBAL, a.name, a.value, nil) }
            if let p = s.provenance { for a in p.attributes { try putAttribute(NC_GLOBAL, a.name, a.value, nil) } }
            try check(nc_enddef(ncid), "nc_enddef")

            // Coordinate values.
            try check(nc_put_var_double(ncid, vTime, s.time.values), "nc_put_var time", "time")
            if let l = s.levels { try check(nc_put_var_double(ncid, vLev, l.values), "nc_put_var \(l.name)", l.name) }
            if let b = s.time.bounds { try check(nc_put_var_double(ncid, vTimeB, b), "nc_put_var time_bnds", "time_bnds") }
            try check(nc_put_var_double(ncid, vLat, g.lat), "nc_put_var lat", "lat")
            if s.writeGridBounds { try check(nc_put_var_double(ncid, vLatB, g.latBounds), "nc_put_var lat_bnds", "lat_bnds") }
            try check(nc_put_var_double(ncid, vLon, g.lon), "nc_put_var lon", "lon")
            if s.writeGridBounds { try check(nc_put_var_double(ncid, vLonB, g.lonBounds), "nc_put_var lon_bnds", "lon_bnds") }
            if let m = s.members {
                let numbers = s.memberNumbers.map { $0.map { Int32(clamping: $0) } } ?? (0..<m.count).map { Int32($0 + 1) }
                guard numbers.count == m.count else {
                    throw ClimateDataError(.invalidArgument, "\(numbers.count) member numbers for \(m.count) member labels")
                }
                try check(nc_put_var_int(ncid, vMember, numbers), "nc_put_var member", "member")
                var chars = [CChar](repeating: 0, count: m.count * labelLength)
                for (i, label) in m.enumerated() {
                    for (k, b) in label.utf8.enumerated() { chars[i * labelLength + k] = CChar(bitPattern: b) }
                }
                try check(nc_put_var_text(ncid, vMemberId, chars), "nc_put_var member_id", "member_id")
            }
            for (c, id) in zip(s.scalarCoordinates, scalarIds) {
                var value = c.value
                try check(nc_put_var_double(ncid, id, &value), "nc_put_var \(c.name)", c.name)
            }
        }
    }

    /// Writes `values` (shape `[steps, nlat, nlon]`, or `[steps, levels, nlat, nlon]` with a
    /// vertical dimension; row-major, latitudes ascending) of the spec's first data variable at time
    /// index `timeStart` of member `member` (0 when the file has no member dimension).
    public func write(member: Int = 0, timeStart: Int, values: [Float]) throws(ClimateDataError) {
        try write(variable: spec.variable.name, member: member, timeStart: timeStart, values: values)
    }

    /// Writes `values` of data variable `variable` (one of `spec.dataVariables`), laid out as in
    /// `write(member:timeStart:values:)`.
    public func write(variable: String, member: Int = 0, timeStart: Int, values: [Float]) throws(ClimateDataError) {
        guard let dataVar = dataVars[variable] else {
            throw ClimateDataError(.invalidArgument, "the file has no data variable '\(variable)' (it has \(spec.dataVariables.map(\.name).joined(separator: ", ")))", file: path, variable: variable)
        }
        let g = spec.grid
        let nlev = spec.levels?.values.count ?? 1
        let plane = g.nlat * g.nlon * nlev
        guard !closed else { throw ClimateDataError(.invalidArgument, "write after close", file: path) }
        guard values.count % plane == 0 else {
            throw ClimateDataError(.mismatch, "\(values.count) values are not whole \(g.nlat)x\(g.nlon) fields", file: path, variable: variable)
        }
        let steps = values.count / plane
        guard timeStart >= 0, timeStart + steps <= spec.time.count else {
            throw ClimateDataError(.invalidArgument, "time steps \(timeStart)..<\(timeStart + steps) outside 0..<\(spec.time.count)", file: path, variable: variable)
        }
        let memberCount = spec.members?.count ?? 1
        guard member >= 0, member < memberCount else {
            throw ClimateDataError(.invalidArgument, "member \(member) outside 0..<\(memberCount)", file: path, variable: variable)
        }
        let filled = values.map { $0.isNaN ? CFWriter.fillValue : $0 }
        let start: [Int], count: [Int]
        if spec.levels != nil {
            start = [timeStart, 0, 0, 0]; count = [steps, nlev, g.nlat, g.nlon]
        } else if spec.members == nil {
            start = [timeStart, 0, 0]; count = [steps, g.nlat, g.nlon]
        } else if spec.memberLayout == .memberFirst {
            start = [member, timeStart, 0, 0]; count = [1, steps, g.nlat, g.nlon]
        } else {
            start = [timeStart, member, 0, 0]; count = [steps, 1, g.nlat, g.nlon]
        }
        try NetCDFLibrary.locked { () throws(ClimateDataError) in
            try check(nc_put_vara_float(ncid, dataVar, start, count, filled), "nc_put_vara_float", variable)
        }
    }

    /// Finishes the file and moves it to its final path.
    public func close() throws(ClimateDataError) {
        guard !closed else { return }
        closed = true
        try NetCDFLibrary.locked { () throws(ClimateDataError) in
            try check(nc_close(ncid), "nc_close")
        }
        do {
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: partialPath, toPath: path)
        } catch {
            throw ClimateDataError(.netcdf, "could not move finished file into place: \(error)", file: path)
        }
    }

    /// Writes a whole file in one call; `values` has `spec.shape`.
    public static func write(path: String, spec: CFFileSpec, values: [Float]) throws(ClimateDataError) {
        let expected = spec.shape.reduce(1, *)
        guard values.count == expected else {
            throw ClimateDataError(.mismatch, "\(values.count) values for shape \(spec.shape)", file: path, variable: spec.variable.name)
        }
        let w = try CFWriter(path: path, spec: spec)
        let perMember = spec.time.count * spec.grid.size * (spec.levels?.values.count ?? 1)
        for m in 0..<(spec.members?.count ?? 1) {
            try w.write(member: m, timeStart: 0, values: Array(values[(m * perMember)..<((m + 1) * perMember)]))
        }
        try w.close()
    }
}

import CNetCDF
import Foundation

/// Writes one time-invariant field on a lat–lon grid as a CF netCDF-4 file (`(lat, lon)`, single
/// precision, shuffle + deflate, coordinate bounds): what CMIP publishes in its `fx` table, such as
/// `areacella`, the cell areas a variable's `cell_measures` points to. Written to `<path>.partial`
/// and renamed when complete.
public enum CFFixedFieldWriter {
    /// Writes `values` (row-major `[lat, lon]`, latitudes ascending) of `variable` on `grid`.
    public static func write(path: String, variable: CFVariableSpec, grid: LatLonGrid, values: [Float],
                             globalAttributes: [(name: String, value: CFAttribute)], deflateLevel: Int = 4) throws(ClimateDataError) {
        guard values.count == grid.size else {
            throw ClimateDataError(.mismatch, "\(values.count) values for a \(grid.nlat)x\(grid.nlon) grid", file: path, variable: variable.name)
        }
        guard (0...9).contains(deflateLevel) else {
            throw ClimateDataError(.invalidArgument, "deflate level \(deflateLevel) not in 0…9", file: path)
        }
        let partial = path + ".partial"
        try NetCDFLibrary.locked { () throws(ClimateDataError) in
            var ncid: Int32 = -1
            func check(_ status: Int32, _ op: String, _ v: String? = nil) throws(ClimateDataError) {
                try NetCDFLibrary.check(status, op, file: path, variable: v)
            }
            func text(_ id: Int32, _ name: String, _ value: String) throws(ClimateDataError) {
                try check(NetCDFText.put(ncid: ncid, varid: id, name: name, value: value), "nc_put_att_text \(name)")
            }
            func defVar(_ name: String, _ type: nc_type, _ dims: [Int32]) throws(ClimateDataError) -> Int32 {
                var id: Int32 = -1
                try check(nc_def_var(ncid, name, type, Int32(dims.count), dims, &id), "nc_def_var", name)
                return id
            }
            // try?: a partial file of an earlier, killed attempt may not exist; nc_create reports real failures
            try? FileManager.default.removeItem(atPath: partial)
            try check(nc_create(partial, NC_NETCDF4 | NC_CLOBBER, &ncid), "nc_create")
            var closed = false
            // try?: removing our own partial file after a failure; the failure itself is thrown
            defer { if !closed { nc_close(ncid); try? FileManager.default.removeItem(atPath: partial) } }
            var dLat: Int32 = -1, dLon: Int32 = -1, dB: Int32 = -1
            try check(nc_def_dim(ncid, "lat", grid.nlat, &dLat), "nc_def_dim lat")
            try check(nc_def_dim(ncid, "lon", grid.nlon, &dLon), "nc_def_dim lon")
            try check(nc_def_dim(ncid, "bnds", 2, &dB), "nc_def_dim bnds")
            let vLat = try defVar("lat", NC_DOUBLE, [dLat])
            for (n, v) in [("standard_name", "latitude"), ("long_name", "latitude"), ("units", "degrees_north"), ("axis", "Y"), ("bounds", "lat_bnds")] {
                try text(vLat, n, v)
            }
            let vLatB = try defVar("lat_bnds", NC_DOUBLE, [dLat, dB])
            let vLon = try defVar("lon", NC_DOUBLE, [dLon])
            for (n, v) in [("standard_name", "longitude"), ("long_name", "longitude"), ("units", "degrees_east"), ("axis", "X"), ("bounds", "lon_bnds")] {
                try text(vLon, n, v)
            }
            let vLonB = try defVar("lon_bnds", NC_DOUBLE, [dLon, dB])
            let field = try defVar(variable.name, NC_FLOAT, [dLat, dLon])
            try check(nc_def_var_chunking(ncid, field, NC_CHUNKED, [grid.nlat, grid.nlon]), "nc_def_var_chunking", variable.name)
            if deflateLevel > 0 {
                try check(nc_def_var_deflate(ncid, field, 1, 1, Int32(deflateLevel)), "nc_def_var_deflate", variable.name)
            }
            var fill = CFWriter.fillValue
            try check(nc_def_var_fill(ncid, field, 0, &fill), "nc_def_var_fill", variable.name)
            try check(nc_put_att_float(ncid, field, "missing_value", NC_FLOAT, 1, &fill), "nc_put_att missing_value", variable.name)
            if let sn = variable.standardName { try text(field, "standard_name", sn) }
            if let ln = variable.longName { try text(field, "long_name", ln) }
            try text(field, "units", variable.units)
            if let cm = variable.cellMethods { try text(field, "cell_methods", cm) }
            for a in variable.extraAttributes { try check(NetCDFText.put(ncid: ncid, varid: field, name: a.name, value: a.value), "nc_put_att \(a.name)", variable.name) }
            try text(NC_GLOBAL, "Conventions", "CF-1.8")
            for a in globalAttributes where a.name != "Conventions" {
                try check(NetCDFText.put(ncid: ncid, varid: NC_GLOBAL, name: a.name, value: a.value), "nc_put_att \(a.name)")
            }
            try check(nc_enddef(ncid), "nc_enddef")
            try check(nc_put_var_double(ncid, vLat, grid.lat), "nc_put_var lat", "lat")
            try check(nc_put_var_double(ncid, vLatB, grid.latBounds), "nc_put_var lat_bnds", "lat_bnds")
            try check(nc_put_var_double(ncid, vLon, grid.lon), "nc_put_var lon", "lon")
            try check(nc_put_var_double(ncid, vLonB, grid.lonBounds), "nc_put_var lon_bnds", "lon_bnds")
            try check(nc_put_var_float(ncid, field, values.map { $0.isNaN ? CFWriter.fillValue : $0 }), "nc_put_var", variable.name)
            closed = true
            try check(nc_close(ncid), "nc_close")
        }
        do {
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch {
            throw ClimateDataError(.netcdf, "could not move finished file into place: \(error)", file: path)
        }
    }
}

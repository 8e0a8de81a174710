import CNetCDF
import Foundation

/// netCDF type id of float32 (NC_FLOAT).
let NC_FLOAT_TYPE: Int32 = NC_FLOAT

/// The role of one dimension of a data variable, found from its coordinate variable.
public enum CFAxisRole: String, Sendable {
    /// Time (axis T, standard_name time, or `units` with `since`).
    case time
    /// Vertical (axis Z, `positive`, pressure/height units or standard names).
    case vertical
    /// Latitude (axis Y, degrees_north, standard_name latitude).
    case latitude
    /// Longitude (axis X, degrees_east, standard_name longitude).
    case longitude
    /// Anything else (bounds, members, station …).
    case other
}

/// How a variable's horizontal grid is stored and how it is normalised on reading.
public struct CFGridLayout: Sendable {
    /// The normalised grid (lat ascending, lon in the requested convention and increasing).
    public var grid: LatLonGrid
    /// For each normalised latitude row, the file's latitude index.
    public var latSource: [Int]
    /// For each normalised longitude column, the file's longitude index.
    public var lonSource: [Int]
    /// Whether the file's latitudes run north to south.
    public var latDescending: Bool
    /// How many columns the longitudes were rolled by (0 if none).
    public var lonRoll: Int
    /// Whether the file had lat/lon bounds.
    public var boundsInFile: Bool
}

/// A CF-conventions reader on top of `NetCDFFile`: finds coordinate variables and bounds, decodes
/// time, selects vertical levels by value, unpacks `scale_factor`/`add_offset`, turns fill
/// values into NaN and normalises the grid (latitude ascending, longitudes rolled to one
/// convention). Refuses curvilinear, rotated-pole and unstructured grids with a message naming
/// the grid type.
public struct CFReader: Sendable {
    /// The open file.
    public let file: NetCDFFile

    /// Opens `path`.
    public init(path: String) throws(ClimateDataError) { file = try NetCDFFile(path: path) }

    /// Wraps an open file.
    public init(file: NetCDFFile) { self.file = file }

    private func err(_ code: ClimateDataError.Code, _ msg: String, _ variable: String? = nil) -> ClimateDataError {
        ClimateDataError(code, msg, file: file.path, variable: variable)
    }

    /// The coordinate variable of dimension `dim` (a 1-D variable of the same name), if any.
    public func coordinate(of dim: String) -> NetCDFVariableInfo? {
        file.variables.first { $0.name == dim && $0.dimensions == [dim] }
    }

    /// The role of dimension `dim`, from its coordinate variable's attributes (or its name).
    public func role(of dim: String) -> CFAxisRole {
        let c = coordinate(of: dim)
        let axis = c?.text("axis")?.uppercased()
        let sn = c?.text("standard_name")?.lowercased() ?? ""
        let units = c?.text("units")?.lowercased() ?? ""
        let name = dim.lowercased()
        if axis == "T" || sn == "time" || units.contains(" since ") { return .time }
        if sn == "grid_latitude" || sn == "grid_longitude" { return .other }
        if axis == "Y" || sn == "latitude" || ["degrees_north", "degree_north", "degree_n", "degrees_n", "degreen", "degreesn"].contains(units) { return .latitude }
        if axis == "X" || sn == "longitude" || ["degrees_east", "degree_east", "degree_e", "degrees_e", "degreee", "degreese"].contains(units) { return .longitude }
        if axis == "Z" || c?.text("positive") != nil || sn == "air_pressure" || sn == "height" || sn == "depth"
            || VerticalSelection.siFactor(units) != nil && ["plev", "lev", "level", "height", "depth", "pressure", "pfull", "z"].contains(name) { return .vertical }
        if c == nil {
            switch name {
            case "time", "t": return .time
            case "lat", "latitude": return .latitude
            case "lon", "longitude": return .longitude
            default: return .other
            }
        }
        return .other
    }

    /// Names of the data variables: variables that are not coordinates, bounds, or 0-/1-D metadata.
    public func dataVariables() -> [String] {
        let boundsNames = Set(file.variables.compactMap { $0.text("bounds") } + file.variables.compactMap { $0.text("climatology") })
        return file.variables.filter { v in
            v.shape.count >= 2 && !boundsNames.contains(v.name) && coordinate(of: v.name) == nil
                && !v.name.hasSuffix("_bnds") && !v.name.hasSuffix("_bounds") && v.type != 2 /* NC_CHAR */
        }.map(\.name)
    }

    /// Checks that `variable` sits on a rectilinear lat–lon grid; throws `.unsupported` naming the grid type otherwise.
    public func checkGridSupported(_ v: NetCDFVariableInfo) throws(ClimateDataError) {
        if let gm = v.text("grid_mapping"), let mapping = file.variables.first(where: { $0.name == gm.split(separator: ":").first.map(String.init) ?? gm }) {
            let name = mapping.text("grid_mapping_name") ?? "unknown"
            if name == "rotated_latitude_longitude" {
                throw err(.unsupported, "rotated-pole grid (grid_mapping '\(gm)' = rotated_latitude_longitude) is not supported yet; regrid to a regular lat-lon grid first", v.name)
            }
            if name != "latitude_longitude" {
                throw err(.unsupported, "projected grid (grid_mapping_name '\(name)') is not supported yet", v.name)
            }
        }
        let roles = v.dimensions.map { role(of: $0) }
        if roles.contains(.latitude) && roles.contains(.longitude) { return }
        // Find what the grid is, for the message.
        for d in v.dimensions {
            if let c = coordinate(of: d), let sn = c.text("standard_name"), sn == "grid_latitude" || sn == "grid_longitude" {
                throw err(.unsupported, "rotated-pole grid (coordinate '\(d)' has standard_name \(sn)) is not supported yet", v.name)
            }
        }
        if let coords = v.text("coordinates") {
            for name in coords.split(separator: " ").map(String.init) {
                if let c = file.variables.first(where: { $0.name == name }) {
                    let sn = c.text("standard_name") ?? ""
                    let units = c.text("units") ?? ""
                    let isLatLon = sn == "latitude" || sn == "longitude" || units.hasPrefix("degree")
                    if isLatLon && c.shape.count == 2 {
                        throw err(.unsupported, "curvilinear grid (2-D coordinate '\(name)' \(c.dimensions)) is not supported yet; regrid to a regular lat-lon grid first", v.name)
                    }
                    if isLatLon && c.shape.count == 1 && !v.dimensions.contains(name) {
                        throw err(.unsupported, "unstructured grid (1-D coordinate '\(name)' on dimension '\(c.dimensions.first ?? "?")') is not supported yet", v.name)
                    }
                }
            }
        }
        if v.text("mesh") != nil || v.text("location") != nil {
            throw err(.unsupported, "unstructured (UGRID mesh) grid is not supported yet", v.name)
        }
        for name in ["nav_lat", "nav_lon", "latitude", "lat", "TLAT", "XLAT"] {
            if let c = file.variables.first(where: { $0.name == name }), c.shape.count == 2 {
                throw err(.unsupported, "curvilinear grid (2-D coordinate '\(name)') is not supported yet; regrid to a regular lat-lon grid first", v.name)
            }
        }
        throw err(.unsupported, "no latitude/longitude dimensions found among \(v.dimensions) (grid type unknown)", v.name)
    }

    /// The normalised grid of `variable` and how to map file indices onto it.
    public func gridLayout(of variableName: String, longitudes: LongitudeConvention = .zeroTo360) throws(ClimateDataError) -> CFGridLayout {
        let v = try file.variable(variableName)
        try checkGridSupported(v)
        guard let latDim = v.dimensions.first(where: { role(of: $0) == .latitude }),
              let lonDim = v.dimensions.first(where: { role(of: $0) == .longitude }),
              let latVar = coordinate(of: latDim), let lonVar = coordinate(of: lonDim) else {
            throw err(.unsupported, "latitude/longitude coordinate variables missing", variableName)
        }
        var lat = try file.readDoubles(latVar)
        var lon = try file.readDoubles(lonVar)
        guard lat.allSatisfy({ $0.isFinite && abs($0) <= 90.0001 }) else { throw err(.malformed, "latitudes not finite or beyond ±90", latVar.name) }
        guard lon.allSatisfy(\.isFinite) else { throw err(.malformed, "longitudes not finite", lonVar.name) }
        func bounds(_ c: NetCDFVariableInfo) throws(ClimateDataError) -> [Double]? {
            let name = c.text("bounds") ?? "\(c.name)_bnds"
            guard let b = file.variables.first(where: { $0.name == name }) else { return nil }
            guard b.shape == [c.shape[0], 2] else { return nil }
            return try file.readDoubles(b)
        }
        var latB = try bounds(latVar), lonB = try bounds(lonVar)
        let boundsInFile = latB != nil && lonB != nil
        // Latitude: ascending.
        var latSource = Array(0..<lat.count)
        let descending = lat.count > 1 && lat[0] > lat[lat.count - 1]
        if descending {
            latSource.reverse()
            lat.reverse()
            if let b = latB { latB = stride(from: b.count - 2, through: 0, by: -2).flatMap { [min(b[$0], b[$0 + 1]), max(b[$0], b[$0 + 1])] } }
        } else if let b = latB {
            latB = stride(from: 0, to: b.count, by: 2).flatMap { [min(b[$0], b[$0 + 1]), max(b[$0], b[$0 + 1])] }
        }
        // Longitude: shift each centre into the convention, then roll so they increase.
        // A regional grid that crosses the convention's seam (e.g. -10…30 in 0…360) would split in
        // two after rolling: keep it contiguous by using the other convention for it.
        func seamSplits(_ base: Double) -> Bool {
            guard lon.count > 2 else { return false }
            let sh = lon.map { x -> Double in var y = (x - base).truncatingRemainder(dividingBy: 360); if y < 0 { y += 360 }; return y + base }.sorted()
            var gaps: [Double] = []
            for k in 1..<sh.count { gaps.append(sh[k] - sh[k - 1]) }
            let typical = gaps.sorted()[gaps.count / 2]
            let span = Double(sh.count) * typical
            return span < 360 - 1e-6 && (gaps.max() ?? 0) > 1.5 * typical
        }
        var base = longitudes == .zeroTo360 ? 0.0 : -180.0
        let otherBase = longitudes == .zeroTo360 ? -180.0 : 0.0
        if seamSplits(base) && !seamSplits(otherBase) { base = otherBase }
        var shifted = lon.map { x -> Double in var y = (x - base).truncatingRemainder(dividingBy: 360); if y < 0 { y += 360 }; return y + base }
        var shifts = zip(shifted, lon).map { $0 - $1 }
        var lonSource = Array(0..<lon.count)
        var roll = 0
        if let minIndex = shifted.indices.min(by: { shifted[$0] < shifted[$1] }), minIndex != 0 {
            roll = minIndex
            lonSource = Array(lonSource[minIndex...] + lonSource[..<minIndex])
            shifted = Array(shifted[minIndex...] + shifted[..<minIndex])
            shifts = Array(shifts[minIndex...] + shifts[..<minIndex])
        }
        for i in 1..<max(1, shifted.count) where shifted.count > 1 && !(shifted[i] > shifted[i - 1]) {
            throw err(.malformed, "longitudes are not monotonic after normalising to \(longitudes.rawValue) (index \(i))", lonVar.name)
        }
        lon = shifted
        if let b = lonB {
            var nb: [Double] = []
            for (k, src) in lonSource.enumerated() {
                let lo = min(b[2 * src], b[2 * src + 1]) + shifts[k], hi = max(b[2 * src], b[2 * src + 1]) + shifts[k]
                nb.append(lo); nb.append(hi)
            }
            lonB = nb
        }
        let grid = try LatLonGrid(lat: lat, lon: lon, latBounds: boundsInFile ? latB : nil, lonBounds: boundsInFile ? lonB : nil)
        return CFGridLayout(grid: grid, latSource: latSource, lonSource: lonSource, latDescending: descending, lonRoll: roll, boundsInFile: boundsInFile)
    }

    /// The time axis of `variable`, or nil when it has no time dimension.
    public func timeAxis(of variableName: String) throws(ClimateDataError) -> TimeAxis? {
        let v = try file.variable(variableName)
        guard let dim = v.dimensions.first(where: { role(of: $0) == .time }) else { return nil }
        guard let tv = coordinate(of: dim) else { throw err(.malformed, "time dimension '\(dim)' has no coordinate variable", variableName) }
        guard let unitsText = tv.text("units") else { throw err(.malformed, "time coordinate has no units", tv.name) }
        do {
            let units = try CFTimeUnits(parsing: unitsText)
            let calendar = try CFCalendar(cfName: tv.text("calendar"))
            let values = try file.readDoubles(tv)
            var bounds: [Double]? = nil
            let bname = tv.text("bounds") ?? tv.text("climatology")
            if let bname, let b = file.variables.first(where: { $0.name == bname }), b.shape == [values.count, 2] {
                bounds = try file.readDoubles(b)
            }
            // Validate that the stamps decode.
            let axis = try TimeAxis(calendar: calendar, units: units, values: values, bounds: bounds)
            _ = try axis.referenceInstant()
            return axis
        } catch {
            throw error.context(file: file.path, variable: tv.name)
        }
    }

    /// The vertical coordinate of `variable` (values, units), or nil.
    public func verticalAxis(of variableName: String) throws(ClimateDataError) -> (name: String, values: [Double], units: String, positive: String?, standardName: String?)? {
        let v = try file.variable(variableName)
        guard let dim = v.dimensions.first(where: { role(of: $0) == .vertical }) else { return nil }
        guard let c = coordinate(of: dim) else { return (dim, Array(0..<(v.shape[v.dimensions.firstIndex(of: dim) ?? 0])).map(Double.init), "1", nil, nil) }
        return (dim, try file.readDoubles(c), c.text("units") ?? "1", c.text("positive"), c.text("standard_name"))
    }

    /// The index of `selection` on the vertical axis, or a `.notFound` error listing the levels.
    public func levelIndex(of variableName: String, _ selection: VerticalSelection) throws(ClimateDataError) -> (index: Int, coordinate: CFScalarCoordinate) {
        guard let axis = try verticalAxis(of: variableName) else {
            throw err(.notFound, "variable has no vertical dimension to select \(selection.value) \(selection.units) from", variableName)
        }
        var wanted = selection.value
        if selection.units.lowercased() != axis.units.lowercased() {
            guard let a = VerticalSelection.siFactor(selection.units), let b = VerticalSelection.siFactor(axis.units) else {
                throw err(.mismatch, "cannot convert level units '\(selection.units)' to the file's '\(axis.units)'", axis.name)
            }
            wanted = selection.value * a / b
        }
        let tol = max(abs(wanted) * selection.relativeTolerance, 1e-9)
        guard let i = axis.values.firstIndex(where: { abs($0 - wanted) <= tol }) else {
            throw err(.notFound, "no level \(selection.value) \(selection.units) (= \(wanted) \(axis.units)); levels: \(axis.values.map { "\($0)" }.joined(separator: ", ")) \(axis.units)", axis.name)
        }
        return (i, CFScalarCoordinate(name: axis.name, value: axis.values[i], units: axis.units, standardName: axis.standardName, positive: axis.positive))
    }

    /// Reads and decodes `variableName` (see `CFReadOptions`).
    public func read(_ variableName: String, options: CFReadOptions = CFReadOptions()) throws(ClimateDataError) -> CFField {
        let v = try file.variable(variableName)
        let layout = try gridLayout(of: variableName, longitudes: options.longitudes)
        var time = try timeAxis(of: variableName)
        var start = [Int](repeating: 0, count: v.shape.count)
        var count = v.shape
        var level: CFScalarCoordinate? = nil
        var timePos: Int? = nil, latPos = -1, lonPos = -1
        for (k, d) in v.dimensions.enumerated() {
            switch role(of: d) {
            case .time:
                timePos = k
                if let r = options.timeRange {
                    guard r.lowerBound >= 0, r.upperBound <= v.shape[k] else {
                        throw err(.invalidArgument, "time range \(r) outside 0..<\(v.shape[k])", variableName)
                    }
                    start[k] = r.lowerBound; count[k] = r.count
                }
            case .vertical:
                if let sel = options.level {
                    let (i, c) = try levelIndex(of: variableName, sel)
                    start[k] = i; count[k] = 1; level = c
                } else if v.shape[k] == 1 {
                    if let axis = try verticalAxis(of: variableName) {
                        level = CFScalarCoordinate(name: axis.name, value: axis.values[0], units: axis.units, standardName: axis.standardName, positive: axis.positive)
                    }
                } else {
                    // try?: only decorates this error message; the level count stands in
                    let levels = (try? verticalAxis(of: variableName)).flatMap { $0 }.map { "\($0.values) \($0.units)" } ?? "\(v.shape[k]) levels"
                    throw err(.invalidArgument, "variable has \(v.shape[k]) vertical levels (\(levels)); choose one with a level selection", variableName)
                }
            case .latitude: latPos = k
            case .longitude: lonPos = k
            case .other:
                guard v.shape[k] == 1 else {
                    throw err(.unsupported, "extra dimension '\(d)' of length \(v.shape[k]) (only time, one vertical level, lat and lon are read)", variableName)
                }
            }
        }
        // A scalar vertical coordinate (CF §5.7, e.g. `plev = 85000 Pa` named in `coordinates`).
        if level == nil, let coords = v.text("coordinates") {
            for name in coords.split(separator: " ").map(String.init) {
                guard let c = file.variables.first(where: { $0.name == name }), c.shape.isEmpty else { continue }
                let sn = c.text("standard_name") ?? ""
                let units = c.text("units") ?? ""
                guard c.text("positive") != nil || c.text("axis") == "Z" || ["air_pressure", "height", "depth"].contains(sn)
                        || VerticalSelection.siFactor(units) != nil else { continue }
                if let value = try file.readDoubles(c).first {
                    level = CFScalarCoordinate(name: name, value: value, units: units, standardName: c.text("standard_name"), positive: c.text("positive"))
                }
                break
            }
        }
        if let r = options.timeRange, var t = time {
            t.values = Array(t.values[r])
            if let b = t.bounds { t.bounds = Array(b[(2 * r.lowerBound)..<(2 * r.upperBound)]) }
            time = t
        }
        let nt = timePos.map { count[$0] } ?? 1
        let g = layout.grid
        let plane = g.nlat * g.nlon
        // Strides of the slab as read (row-major over `count`).
        var strides = [Int](repeating: 1, count: count.count)
        for k in stride(from: count.count - 2, through: 0, by: -1) { strides[k] = strides[k + 1] * count[k + 1] }
        let tStride = timePos.map { strides[$0] } ?? 0
        let latStride = strides[latPos], lonStride = strides[lonPos]

        // Packing and fill attributes.
        let scale = v.attribute("scale_factor")?.number ?? 1
        let offset = v.attribute("add_offset")?.number ?? 0
        var declared: [Double] = []
        if let f = v.attribute("_FillValue")?.numbers { declared += f }
        if let m = v.attribute("missing_value")?.numbers { declared += m.filter { !declared.contains($0) } }
        let validRange = v.attribute("valid_range")?.numbers
        let validMin = v.attribute("valid_min")?.number ?? (validRange?.count == 2 ? validRange?[0] : nil)
        let validMax = v.attribute("valid_max")?.number ?? (validRange?.count == 2 ? validRange?[1] : nil)
        var report = MissingValueReport(declared: declared)
        // Without _FillValue, netCDF's default fill for the type marks never-written values.
        let defaultFill: Double? = v.attribute("_FillValue") != nil ? nil : NetCDFFile.defaultFill(type: v.type)

        // Read in slabs of time steps to bound memory.
        var out = [Float](repeating: .nan, count: nt * plane)
        let stepsPerSlab = max(1, min(nt, (8 << 20) / max(1, plane)))
        // Float variables without packing are read as Float and decoded in a tight loop.
        let floatPath = v.type == NC_FLOAT_TYPE && scale == 1 && offset == 0 && validMin == nil && validMax == nil
        let declaredF = declared.map { Float($0) }
        let thresholdF = options.hugeValueThreshold.map { Float($0) } ?? Float.infinity
        let defaultF = defaultFill.map { Float($0) }
        var t0 = 0
        while t0 < nt {
            let tn = min(stepsPerSlab, nt - t0)
            var s = start, c = count
            if let tp = timePos { s[tp] = start[tp] + t0; c[tp] = tn }
            if floatPath {
                let raw = try file.readFloats(v, start: s, count: c)
                var nanCount = 0, declaredCount = 0, defaultCount = 0, hugeCount = 0, infiniteCount = 0
                raw.withUnsafeBufferPointer { rp in
                    out.withUnsafeMutableBufferPointer { op in
                        for t in 0..<tn {
                            for j in 0..<g.nlat {
                                let rowBase = t * tStride + layout.latSource[j] * latStride
                                let outBase = (t0 + t) * plane + j * g.nlon
                                for i in 0..<g.nlon {
                                    let x = rp[rowBase + layout.lonSource[i] * lonStride]
                                    if x.isNaN { nanCount += 1; continue }
                                    if x.isInfinite { infiniteCount += 1; continue }
                                    if !declaredF.isEmpty && declaredF.contains(x) { declaredCount += 1; continue }
                                    if let d = defaultF, x == d { defaultCount += 1; continue }
                                    if abs(x) >= thresholdF { hugeCount += 1; continue }
                                    op[outBase + i] = x
                                }
                            }
                        }
                    }
                }
                report.nanCount += nanCount; report.declaredCount += declaredCount
                report.defaultFillCount += defaultCount; report.thresholdCount += hugeCount
                report.infiniteCount += infiniteCount
                t0 += tn
                continue
            }
            let raw = try file.readDoubles(v, start: s, count: c)
            for t in 0..<tn {
                for j in 0..<g.nlat {
                    let rowBase = t * tStride + layout.latSource[j] * latStride
                    let outBase = (t0 + t) * plane + j * g.nlon
                    for i in 0..<g.nlon {
                        let x = raw[rowBase + layout.lonSource[i] * lonStride]
                        if x.isNaN { report.nanCount += 1; continue }
                        if x.isInfinite { report.infiniteCount += 1; continue }
                        if !declared.isEmpty && declared.contains(x) { report.declaredCount += 1; continue }
                        if let d = defaultFill, x == d { report.defaultFillCount += 1; continue }
                        if let th = options.hugeValueThreshold, abs(x) >= th { report.thresholdCount += 1; continue }
                        let u = x * scale + offset
                        if let lo = validMin, u < lo * scale + offset { report.declaredCount += 1; continue }
                        if let hi = validMax, u > hi * scale + offset { report.declaredCount += 1; continue }
                        out[outBase + i] = Float(u)
                    }
                }
            }
            t0 += tn
        }
        let spec = CFVariableSpec(name: variableName, standardName: v.text("standard_name"), longName: v.text("long_name"),
                                  units: v.text("units") ?? "1", cellMethods: v.text("cell_methods"))
        return CFField(variable: spec, grid: g, time: time, level: level, values: out, missing: report)
    }
}

import Foundation

/// A CDO grid description file (`cdo griddes` writes them; `remapcon,grid.txt` reads them), for
/// the regular and rectilinear longitude–latitude grids:
///
/// ```
/// gridtype = lonlat
/// xsize    = 40
/// ysize    = 20
/// xfirst   = 170      # first longitude (centre), degrees east; may be negative
/// xinc     = 2
/// yfirst   = -19
/// yinc     = 2
/// ```
///
/// Instead of `xfirst`/`xinc` (`yfirst`/`yinc`) the centres may be listed with `xvals` (`yvals`),
/// continued over as many lines as needed. `#` starts a comment; names and `gridtype` are
/// case-insensitive. The naming keys CDO writes (`xname`, `xlongname`, `xunits`, `yname`, …,
/// `gridsize`, `datatype`, `scanningMode`) are accepted; `gridsize`, when given, must equal
/// `xsize * ysize`. Any other key, a `gridtype` other than `lonlat` (or its aliases `latlon` and
/// `rectilinear` with value lists), and cell bounds (`xbounds`/`ybounds`; bounds are derived
/// from the centres, as CDO derives them) are refused with the file and line named.
///
/// Longitudes are kept as written (a grid from 170 to 208 crosses the dateline; one from −30 to
/// 28 has a negative first longitude): the grid is regional unless it closes the circle.
public struct CDOGridDescription: Sendable, Equatable {
    /// Longitudes of the cell centres, degrees east, in file order.
    public var longitudes: [Double]
    /// Latitudes of the cell centres, degrees north, in file order (CDO allows north to south).
    public var latitudes: [Double]

    /// Parses the text of a grid description; `file` names it in errors.
    public init(parsing text: String, file: String? = nil) throws(ClimateDataError) {
        func fail(_ code: ClimateDataError.Code, _ line: Int?, _ message: String) -> ClimateDataError {
            ClimateDataError(code, (line.map { "line \($0): " } ?? "") + message + " (CDO grid description)", file: file)
        }
        // key -> (value words, line)
        var entries: [String: (words: [String], line: Int)] = [:]
        var current: String? = nil
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" })
        for (index, raw) in lines.enumerated() {
            let lineNumber = index + 1
            var line = String(raw)
            if let hash = line.firstIndex(of: "#") { line = String(line[..<hash]) }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if let eq = trimmed.firstIndex(of: "=") {
                let key = trimmed[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
                guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    throw fail(.malformed, lineNumber, "'\(trimmed)' is not 'key = value'")
                }
                guard entries[key] == nil else { throw fail(.malformed, lineNumber, "'\(key)' is given twice") }
                let value = trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                entries[key] = (Self.words(value), lineNumber)
                current = key
            } else {
                // A continuation line: more values of a list (xvals, yvals).
                guard let key = current, key == "xvals" || key == "yvals", var entry = entries[key] else {
                    throw fail(.malformed, lineNumber, "'\(trimmed)' is not 'key = value'")
                }
                entry.words += Self.words(trimmed)
                entries[key] = entry
            }
        }
        let naming: Set<String> = ["xname", "xlongname", "xunits", "yname", "ylongname", "yunits", "xdimname", "ydimname",
                                   "gridsize", "datatype", "scanningmode", "gridtype", "xsize", "ysize", "xfirst", "xinc",
                                   "yfirst", "yinc", "xvals", "yvals"]
        for (key, entry) in entries.sorted(by: { $0.value.line < $1.value.line }) where !naming.contains(key) {
            if key == "xbounds" || key == "ybounds" {
                throw fail(.unsupported, entry.line, "'\(key)' is not supported: cell bounds are derived from the centres (midpoints), as CDO derives them for lonlat grids")
            }
            throw fail(.unsupported, entry.line, "unknown key '\(key)' (a lonlat grid takes gridtype, xsize, ysize, xfirst, xinc, yfirst, yinc or xvals, yvals)")
        }
        guard let type = entries["gridtype"] else { throw fail(.malformed, nil, "no 'gridtype' line") }
        let typeName = type.words.joined(separator: " ").lowercased()
        guard ["lonlat", "latlon", "rectilinear"].contains(typeName) else {
            throw fail(.unsupported, type.line, "gridtype '\(type.words.joined(separator: " "))' is not supported (only lonlat: regular or rectilinear longitude-latitude grids)")
        }
        func integer(_ key: String) throws(ClimateDataError) -> Int {
            guard let e = entries[key] else { throw fail(.malformed, nil, "no '\(key)' line (a lonlat grid needs xsize and ysize)") }
            guard e.words.count == 1, let n = Int(e.words[0]), n > 0 else {
                throw fail(.malformed, e.line, "\(key) '\(e.words.joined(separator: " "))' is not a positive whole number")
            }
            return n
        }
        func number(_ key: String) throws(ClimateDataError) -> Double? {
            guard let e = entries[key] else { return nil }
            guard e.words.count == 1, let x = Double(e.words[0]), x.isFinite else {
                throw fail(.malformed, e.line, "\(key) '\(e.words.joined(separator: " "))' is not a number")
            }
            return x
        }
        func axis(_ axisName: String, size: Int) throws(ClimateDataError) -> [Double] {
            let first = "\(axisName)first", inc = "\(axisName)inc", vals = "\(axisName)vals"
            if let e = entries[vals] {
                guard entries[first] == nil, entries[inc] == nil else {
                    throw fail(.malformed, e.line, "give either \(vals) or \(first)/\(inc), not both")
                }
                var out: [Double] = []
                for w in e.words {
                    guard let x = Double(w), x.isFinite else { throw fail(.malformed, e.line, "\(vals): '\(w)' is not a number") }
                    out.append(x)
                }
                guard out.count == size else {
                    throw fail(.mismatch, e.line, "\(vals) has \(out.count) values, \(axisName)size is \(size)")
                }
                return out
            }
            guard let f = try number(first) else { throw fail(.malformed, nil, "no '\(first)' line (or \(vals))") }
            guard let d = try number(inc) else { throw fail(.malformed, nil, "no '\(inc)' line (or \(vals))") }
            guard d != 0 || size == 1 else { throw fail(.malformed, entries[inc]?.line, "\(inc) is 0") }
            return (0..<size).map { f + Double($0) * d }
        }
        let nx = try integer("xsize"), ny = try integer("ysize")
        if let e = entries["gridsize"] {
            guard e.words.count == 1, let n = Int(e.words[0]), n == nx * ny else {
                throw fail(.mismatch, e.line, "gridsize \(e.words.joined(separator: " ")) is not xsize x ysize = \(nx * ny)")
            }
        }
        longitudes = try axis("x", size: nx)
        latitudes = try axis("y", size: ny)
        if let bad = latitudes.first(where: { abs($0) > 90 }) {
            throw fail(.malformed, entries["yvals"]?.line ?? entries["yfirst"]?.line, "latitude \(bad) is beyond ±90")
        }
        if nx > 1 {
            let span = abs(longitudes[nx - 1] - longitudes[0]) * Double(nx) / Double(nx - 1)
            guard span <= 360 + 1e-6 else {
                throw fail(.malformed, entries["xvals"]?.line ?? entries["xinc"]?.line, "the longitudes span \(span)°, more than one turn")
            }
        }
    }

    /// Reads and parses a grid description file.
    public init(contentsOf path: String) throws(ClimateDataError) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ClimateDataError(.notFound, "cannot read the grid description (\(error.localizedDescription))", file: path)
        }
        try self.init(parsing: text, file: path)
    }

    /// Whether the bytes at `path` look like a text grid description rather than a netCDF file
    /// (netCDF-3 starts with `CDF`, netCDF-4/HDF5 with `\u{89}HDF`).
    public static func isGridDescription(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        // try?: closing a file opened for reading cannot lose data
        defer { try? handle.close() }
        // try?: an unreadable file is not a grid description; the caller then reports it as an unknown grid
        let head = (try? handle.read(upToCount: 4)) ?? Data()
        if head.starts(with: Array("CDF".utf8)) || head.starts(with: [0x89, 0x48, 0x44, 0x46]) { return false }
        return true
    }

    /// The grid: latitudes made ascending, longitudes increasing as written (not wrapped), cell
    /// bounds at the midpoints between centres (outer edges half a step out, latitudes clipped to ±90).
    public func grid() throws(ClimateDataError) -> LatLonGrid {
        var lat = latitudes, lon = longitudes
        if lat.count > 1 && lat[0] > lat[lat.count - 1] { lat.reverse() }
        if lon.count > 1 && lon[0] > lon[lon.count - 1] { lon.reverse() }
        var g = try LatLonGrid(lat: lat, lon: lon)
        g.boundsDerived = false
        return g
    }

    /// The words of a value: split at blanks and commas, CDO's quotes around text taken off (`xname = "lon"`).
    static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map { word in
            var w = String(word)
            if w.count >= 2, let first = w.first, first == "\"" || first == "'", w.last == first { w = String(w.dropFirst().dropLast()) }
            return w
        }
    }
}

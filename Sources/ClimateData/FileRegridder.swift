import Foundation

/// File-to-file regridding, as `spfflow regrid` and `cdo remapcon`/`remapbil` do it: reads one
/// variable of a CF file (one vertical level), computes weights once and applies them to all
/// time steps, writes a CF-1.8 netCDF-4 file with the source's metadata.
public struct FileRegridder: Sendable {
    /// Destination grid.
    public var destination: LatLonGrid
    /// Method.
    public var method: RegridMethod
    /// Threads for applying weights.
    public var threads: Int
    /// Deflate level of the output (shuffle always on; 0 = uncompressed, as CDO writes by default).
    public var deflateLevel: Int

    /// Creates a regridder.
    public init(destination: LatLonGrid, method: RegridMethod, threads: Int = 1, deflateLevel: Int = 1) {
        self.destination = destination; self.method = method; self.threads = threads; self.deflateLevel = deflateLevel
    }

    /// A destination grid from a name (`r72x36`, `n48`), a CDO grid description file (text:
    /// `gridtype = lonlat`, …; see ``CDOGridDescription``) or the lat/lon of a netCDF file.
    public static func grid(named spec: String) throws(ClimateDataError) -> LatLonGrid {
        if FileManager.default.fileExists(atPath: spec), CDOGridDescription.isGridDescription(path: spec) {
            return try CDOGridDescription(contentsOf: spec).grid()
        }
        if FileManager.default.fileExists(atPath: spec) {
            let reader = try CFReader(path: spec)
            if let v = reader.dataVariables().first { return try reader.gridLayout(of: v).grid }
            // A file of coordinates only: take lat/lon coordinate variables.
            guard let latV = reader.file.variables.first(where: { $0.shape.count == 1 && reader.role(of: $0.name) == .latitude }),
                  let lonV = reader.file.variables.first(where: { $0.shape.count == 1 && reader.role(of: $0.name) == .longitude }) else {
                throw ClimateDataError(.notFound, "grid file has no latitude/longitude coordinates", file: spec)
            }
            var lat = try reader.file.readDoubles(latV), lon = try reader.file.readDoubles(lonV)
            if lat.count > 1 && lat[0] > lat[lat.count - 1] { lat.reverse() }
            lon = lon.map { var y = $0.truncatingRemainder(dividingBy: 360); if y < 0 { y += 360 }; return y }.sorted()
            return try LatLonGrid(lat: lat, lon: lon)
        }
        return try LatLonGrid.named(spec)
    }

    /// Regrids `variable` (the file's only data variable when nil) of `input` into `output`: one
    /// level when `level` is given, otherwise every vertical level (as CDO does). Returns the
    /// weights used, for reuse.
    @discardableResult
    public func regrid(input: String, output: String, variable: String? = nil, level: VerticalSelection? = nil,
                       weights: RegridWeights? = nil, history: String? = nil) throws(ClimateDataError) -> RegridWeights {
        let reader = try CFReader(path: input)
        let candidates = reader.dataVariables()
        let name: String
        if let variable { name = variable } else {
            guard candidates.count == 1, let only = candidates.first else {
                throw ClimateDataError(.invalidArgument, candidates.isEmpty ? "no data variable found" : "several data variables (\(candidates.joined(separator: ", "))); choose one", file: input)
            }
            name = only
        }
        // Without a level selection, a variable with several levels is regridded level by level.
        var levelAxis: CFVerticalAxis? = nil
        if level == nil, let z = try reader.verticalAxis(of: name), z.values.count > 1 {
            levelAxis = CFVerticalAxis(name: z.name, values: z.values, units: z.units, standardName: z.standardName, positive: z.positive)
        }
        let selections: [VerticalSelection?] = levelAxis.map { a in a.values.map { VerticalSelection(value: $0, units: a.units) } } ?? [level]
        var fields: [CFField] = []
        for sel in selections { fields.append(try reader.read(name, options: CFReadOptions(level: sel))) }
        guard let field = fields.first else { throw ClimateDataError(.notFound, "nothing to read", file: input, variable: name) }
        let w: RegridWeights
        if let weights, weights.source == field.grid, weights.destination == destination, weights.method == method {
            w = weights
        } else {
            w = try RegridWeights.compute(from: field.grid, to: destination, method: method)
        }
        let perLevel = try fields.map { f throws(ClimateDataError) in try w.apply(f.values, steps: f.timeSteps, threads: threads) }
        var out: [Float]
        if perLevel.count == 1 { out = perLevel[0] } else {
            // Interleave to [time, level, lat, lon].
            let plane = destination.size, nlev = perLevel.count
            out = [Float](repeating: .nan, count: field.timeSteps * nlev * plane)
            for (k, lv) in perLevel.enumerated() {
                for t in 0..<field.timeSteps {
                    let src = t * plane, dst = (t * nlev + k) * plane
                    out.replaceSubrange(dst..<(dst + plane), with: lv[src..<(src + plane)])
                }
            }
        }
        var globals: [(name: String, value: CFAttribute)] = reader.file.globalAttributes.filter {
            $0.name != "_ChunkSizes" && !$0.name.hasPrefix("DODS_EXTRA") && $0.name != "Conventions" && $0.name != "history"
        }
        let line = history ?? "spfflow regrid --method \(method.rawValue) to \(destination)"
        let oldHistory = reader.file.globalText("history").map { "\n" + $0 } ?? ""
        globals.append(("history", .text(line + oldHistory)))
        var v = field.variable
        v.extraAttributes.append(("regrid_method", .text(method == .conservative ? "first-order conservative (spfflow)" : "bilinear (spfflow)")))
        let time: TimeAxis
        if let t = field.time { time = t } else {
            time = try TimeAxis(calendar: CFCalendar(.standard), units: CFTimeUnits(parsing: "days since 1850-01-01"), values: [0])
        }
        var spec = CFFileSpec(variable: v, grid: destination, time: time, members: nil,
                              scalarCoordinates: levelAxis == nil ? (field.level.map { [$0] } ?? []) : [], globalAttributes: globals,
                              deflateLevel: deflateLevel, timeStepsPerChunk: max(1, min(field.timeSteps, 120)))
        spec.levels = levelAxis
        try CFWriter.write(path: output, spec: spec, values: out)
        return w
    }
}

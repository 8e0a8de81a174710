import Foundation

/// A decoded, human-readable summary of a CF netCDF file (what `spfflow inspect` prints):
/// variables with units, grid type and size, calendar, time range and step, fill values found,
/// and whether cell bounds are in the file or derived.
public struct CFInspection: Sendable {
    /// The summary lines.
    public var lines: [String]
    /// Per-variable problems (e.g. an unsupported grid), also included in `lines`.
    public var problems: [ClimateDataError]

    /// Inspects `path`; `scanData` reads every value to count missing values (slower on big files).
    public init(path: String, scanData: Bool = true) throws(ClimateDataError) {
        let fmt = CFInspection.fmt, stepText = CFInspection.stepText
        let reader = try CFReader(path: path)
        let f = reader.file
        var out: [String] = []
        var problems: [ClimateDataError] = []
        out.append("file: \(path)")
        out.append("format: \(f.format)")
        let dims = f.dimensions.map { "\($0.name)=\($0.length)" }.joined(separator: ", ")
        out.append("dimensions: \(dims)")
        for key in ["source_id", "experiment_id", "variant_label", "table_id", "grid_label", "grid", "frequency", "Conventions"] {
            if let v = f.globalText(key) { out.append("\(key): \(v)") }
        }
        let artefacts = f.globalAttributes.map(\.name).filter { $0 == "_ChunkSizes" || $0.hasPrefix("DODS_EXTRA") }
        if !artefacts.isEmpty { out.append("note: leftover attributes \(artefacts.joined(separator: ", ")) ignored") }
        let vars = reader.dataVariables()
        if vars.isEmpty { out.append("no data variables") }
        for name in vars {
            // try?: `inspect` lists what it can read; the variable's own error shows when it is curated
            guard let v = try? f.variable(name) else { continue }
            out.append("")
            out.append("variable \(name)(\(v.dimensions.joined(separator: ", "))): units \(v.text("units") ?? "(none)")"
                       + (v.text("standard_name").map { ", standard_name \($0)" } ?? "")
                       + (v.text("cell_methods").map { ", cell_methods \"\($0)\"" } ?? ""))
            if let s = v.attribute("scale_factor")?.number { out.append("  packed: scale_factor \(s), add_offset \(v.attribute("add_offset")?.number ?? 0)") }
            let layout: CFGridLayout
            do { layout = try reader.gridLayout(of: name) } catch {
                out.append("  grid: REFUSED: \(error.message)")
                problems.append(error)
                continue
            }
            let g = layout.grid
            out.append("  grid: \(g.kind.rawValue) \(g.nlat) lat x \(g.nlon) lon, lat \(fmt(g.lat.first)) to \(fmt(g.lat.last))"
                       + (layout.latDescending ? " (stored north to south, flipped)" : "")
                       + ", lon \(fmt(g.lon.first)) to \(fmt(g.lon.last))" + (layout.lonRoll != 0 ? " (rolled by \(layout.lonRoll))" : "")
                       + (g.isGlobalInLongitude ? ", global in longitude" : ""))
            out.append("  bounds: " + (layout.boundsInFile ? "lat/lon bounds from the file" : "lat/lon bounds derived from centres (clipped at ±90)"))
            var levels: [Double] = [0]
            var levelUnits = ""
            // try?: a variable without a readable vertical axis is described as single-level
            if let z = try? reader.verticalAxis(of: name) {
                out.append("  vertical: \(z.name) = \(z.values.map { fmt($0) }.joined(separator: ", ")) \(z.units)" + (z.positive.map { " (positive \($0))" } ?? ""))
                levels = z.values; levelUnits = z.units
            }
            do {
                if let t = try reader.timeAxis(of: name) {
                    let dates = try t.dates()
                    let tv = reader.file.variables.first { $0.dimensions == [$0.name] && reader.role(of: $0.name) == .time }
                    out.append("  calendar: \(t.calendar.cfName)" + (tv?.text("calendar").map { $0 != t.calendar.cfName ? " (written \"\($0)\")" : "" } ?? " (no calendar attribute: standard)"))
                    out.append("  time: \(t.count) steps, \(dates.first.map(\.description) ?? "-") to \(dates.last.map(\.description) ?? "-"), units \"\(tv?.text("units") ?? t.units.description)\"")
                    out.append("  time step: \(stepText(t))" + (t.bounds == nil ? ", no time bounds" : (t.boundsAreContiguous ? ", bounds contiguous" : ", bounds NOT contiguous (ignored for weights)")))
                }
            } catch {
                out.append("  time: UNREADABLE: \(error.message)")
                problems.append(error)
            }
            let declared = (v.attribute("_FillValue")?.numbers ?? []) + (v.attribute("missing_value")?.numbers ?? [])
            var fillLine = "  fill values: " + (declared.isEmpty ? "no _FillValue/missing_value attribute" : "declared \(Array(Set(declared)).sorted().map { "\($0)" }.joined(separator: ", "))")
            if scanData {
                var report = MissingValueReport()
                for lv in levels {
                    let opts = CFReadOptions(level: levelUnits.isEmpty ? nil : VerticalSelection(value: lv, units: levelUnits))
                    do { report.merge(try reader.read(name, options: opts).missing) } catch {
                        problems.append(error); fillLine += "; could not scan: \(error.message)"; break
                    }
                }
                fillLine += "; found \(report.declaredCount) declared-fill, \(report.thresholdCount) attribute-less |x|>=1e20, \(report.defaultFillCount) netCDF default-fill, \(report.nanCount) NaN"
            }
            out.append(fillLine)
        }
        self.lines = out
        self.problems = problems
    }

    /// The summary as one string.
    public var text: String { lines.joined(separator: "\n") }

    private static func fmt(_ x: Double?) -> String {
        guard let x else { return "-" }
        return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(format: "%.6g", x)
    }

    private static func stepText(_ t: TimeAxis) -> String {
        // try?: a time axis that does not decode is described without its step; curation reports it
        guard t.count > 1, let inst = try? t.instants() else { return "single step" }
        var d: [Double] = []
        for k in 1..<inst.count { d.append(inst[k].days(since: inst[k - 1])) }
        d.sort()
        let median = d[d.count / 2]
        if (27.5...31.5).contains(median) { return "monthly (\(fmt(d.first)) to \(fmt(d.last)) days)" }
        if (359...367).contains(median) { return "yearly" }
        if abs(median - 1) < 1e-9 { return "daily" }
        if median < 1 { return "\(fmt(median * 24)) hours" }
        return "\(fmt(median)) days"
    }
}

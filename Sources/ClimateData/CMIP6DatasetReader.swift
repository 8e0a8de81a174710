import Foundation

/// What was read for one dataset: for the per-model summary printed at the end of a curation.
public struct CMIP6DatasetSummary: Sendable, Codable, Equatable {
    /// Dataset id.
    public var dataset: String
    /// source_id.
    public var sourceID: String
    /// Number of files joined.
    public var files: Int
    /// First and last year covered.
    public var firstYear: Int
    /// Last year covered.
    public var lastYear: Int
    /// Number of time steps.
    public var timeSteps: Int
    /// The calendar (as CF names it).
    public var calendar: String
    /// Distinct time units strings met across the files (several when reference dates differ).
    public var timeUnits: [String]
    /// Grid description (`gaussian 160x320`) and whether bounds came from the files.
    public var grid: String
    /// Whether cell bounds were read (false: derived from centres).
    public var boundsInFile: Bool
    /// Declared fill values (`_FillValue`/`missing_value`) met.
    public var declaredFillValues: [Double]
    /// Values found missing through declared fill values.
    public var declaredMissing: Int
    /// Values found missing through the attribute-less 1e20 rule.
    public var hugeValueMissing: Int
    /// Values equal to netCDF's default fill in variables without `_FillValue` (never-written data).
    public var defaultFillMissing: Int
    /// Issues (gaps, overlaps, duplicate versions), as text.
    public var issues: [String]
}

extension CMIP6Dataset {
    /// Reads every file of the dataset at one vertical level (nil for variables without levels),
    /// joins them along time in the first file's time units (re-referencing files whose reference
    /// dates differ), checks the calendars and grids agree, and reports gaps and overlaps.
    /// Overlapping steps (stamps not after the previous file's last stamp) are dropped and reported.
    public func read(options: CFReadOptions = CFReadOptions()) throws(ClimateDataError) -> (field: CFField, issues: [CMIP6Issue], summary: CMIP6DatasetSummary) {
        var issues: [CMIP6Issue] = ignoredVersions.isEmpty ? [] : [CMIP6Issue(kind: .duplicateVersion, dataset: id, message: "ignored versions \(ignoredVersions.joined(separator: ", ")); using \(version)")]
        var joined: CFField? = nil
        var unitsSeen: [String] = []
        var boundsInFile = true
        var lastEnd: CFInstant? = nil, lastStamp: CFInstant? = nil
        var lastFile = ""
        for f in files {
            let reader = try CFReader(path: f.path)
            var field = try reader.read(variable, options: options)
            try CFFieldCheck.validate(field, reader: reader)
            boundsInFile = boundsInFile && !field.grid.boundsDerived
            guard let t = field.time else {
                throw ClimateDataError(.malformed, "dataset file has no time axis", file: f.path, variable: variable)
            }
            let timeVar = reader.file.variables.first { $0.dimensions == [$0.name] && reader.role(of: $0.name) == .time }
            let unitsText = timeVar?.text("units") ?? t.units.description
            if !unitsSeen.contains(unitsText) { unitsSeen.append(unitsText) }
            let stamps = try t.instants()
            // Bounds that do not tile time (FGOALS-f3-L: ±10 days around each stamp) are not used.
            let bounds = t.boundsAreContiguous ? try t.boundInstants() : nil
            for k in 1..<max(1, stamps.count) where stamps.count > 1 && !(stamps[k] > stamps[k - 1]) {
                throw ClimateDataError(.malformed, "time is not increasing at step \(k)", file: f.path, variable: variable)
            }
            var keepFrom = 0
            if let prevStamp = lastStamp, let first = stamps.first {
                let firstStart = bounds?.first?.0 ?? first
                if let prevEnd = lastEnd, bounds != nil {
                    if firstStart > prevEnd {
                        issues.append(CMIP6Issue(kind: .gap, dataset: id, message: "\(Int(firstStart.days(since: prevEnd).rounded())) days missing between \(lastFile) (ends \(t.calendar.dateTime(prevEnd))) and \((f.path as NSString).lastPathComponent) (starts \(t.calendar.dateTime(firstStart)))"))
                    }
                } else if let prev = joined?.time, prev.count >= 2 {
                    let ps = try prev.instants()
                    let spacing = ps[ps.count - 1].days(since: ps[ps.count - 2])
                    let step = first.days(since: prevStamp)
                    if step > 1.5 * spacing + 1 {
                        issues.append(CMIP6Issue(kind: .gap, dataset: id, message: "\(step) days between the last stamp of \(lastFile) and the first of \((f.path as NSString).lastPathComponent) (usual spacing \(spacing))"))
                    }
                }
                while keepFrom < stamps.count && !(stamps[keepFrom] > prevStamp) { keepFrom += 1 }
                if keepFrom > 0 {
                    issues.append(CMIP6Issue(kind: .overlap, dataset: id, message: "\((f.path as NSString).lastPathComponent) repeats \(keepFrom) time step(s) already covered by \(lastFile) (up to \(t.calendar.dateTime(prevStamp))); dropped them"))
                } else if let prevEnd = lastEnd, let b = bounds, b[0].0 < prevEnd {
                    issues.append(CMIP6Issue(kind: .overlap, dataset: id, message: "time bounds of \((f.path as NSString).lastPathComponent) start at \(t.calendar.dateTime(b[0].0)), before \(lastFile) ends (\(t.calendar.dateTime(prevEnd)))"))
                }
            }
            if keepFrom >= stamps.count { lastFile = (f.path as NSString).lastPathComponent; continue }
            lastStamp = stamps.last
            lastEnd = bounds?.last?.1
            lastFile = (f.path as NSString).lastPathComponent
            if keepFrom > 0 {
                let plane = field.grid.size
                field.values = Array(field.values[(keepFrom * plane)...])
                var nt = t
                nt.values = Array(t.values[keepFrom...])
                if let b = t.bounds { nt.bounds = Array(b[(2 * keepFrom)...]) }
                field.time = nt
            }
            guard var acc = joined else { joined = field; continue }
            guard acc.grid.lat == field.grid.lat && acc.grid.lon == field.grid.lon else {
                throw ClimateDataError(.mismatch, "grid differs from the dataset's earlier files (\(acc.grid) vs \(field.grid))", file: f.path, variable: variable)
            }
            guard let accTime = acc.time, let fieldTime = field.time else { continue }
            guard accTime.calendar == fieldTime.calendar else {
                throw ClimateDataError(.mismatch, "calendar \(fieldTime.calendar) differs from the dataset's \(accTime.calendar); calendars are never converted silently", file: f.path, variable: variable)
            }
            acc.time = try accTime.appending(fieldTime)
            acc.values += field.values
            acc.missing.merge(field.missing)
            joined = acc
        }
        guard let field = joined, let time = field.time else {
            throw ClimateDataError(.dataset, "dataset \(id) has no readable time steps")
        }
        let dates = try time.dates()
        let summary = CMIP6DatasetSummary(
            dataset: id, sourceID: sourceID, files: files.count, firstYear: dates.first?.year ?? 0, lastYear: dates.last?.year ?? 0,
            timeSteps: time.count, calendar: time.calendar.cfName, timeUnits: unitsSeen, grid: field.grid.description,
            boundsInFile: boundsInFile, declaredFillValues: field.missing.declared, declaredMissing: field.missing.declaredCount,
            hugeValueMissing: field.missing.thresholdCount, defaultFillMissing: field.missing.defaultFillCount, issues: issues.map(\.description))
        return (field, issues, summary)
    }
}

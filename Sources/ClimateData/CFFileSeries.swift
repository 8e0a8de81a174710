import Foundation

/// One variable spread over explicit CF files that are not in a CMIP6 DRS tree (any names, any
/// directory), joined in time. Unlike CMIP6 discovery, which reports and drops what a
/// publication repeats, a user's own file list must tile time exactly: a gap, an overlap, a
/// calendar or grid that differs between files, or a second variable name is an error naming
/// the files involved.
///
/// The files are put in time order by their first time step (the order they are listed in does
/// not matter); each may use its own time units and reference date (re-referenced to the first
/// file's). Consecutive files must meet: with time bounds that tile time, the next file's first
/// lower bound equals the previous file's last upper bound; otherwise the first stamp of the
/// next file is one step (day, calendar month or year, by the data's frequency) after the last
/// stamp of the previous one.
public struct CFFileSeries: Sendable {
    /// The files, in any order.
    public var files: [String]
    /// The variable to read; nil: each file's `variable_id` global attribute, else its only data variable.
    public var variable: String?

    /// Creates a series.
    public init(files: [String], variable: String? = nil) {
        self.files = files; self.variable = variable
    }

    /// What `read` returns.
    public struct Joined: Sendable {
        /// The joined field (time units of the earliest file).
        public var field: CFField
        /// The files in time order.
        public var files: [String]
        /// The frequency of the joined time axis.
        public var frequency: TimeStepFrequency
        /// Distinct time units strings met, in time order of the files.
        public var timeUnits: [String]
        /// Whether every file had lat/lon bounds.
        public var boundsInFile: Bool
        /// For each global attribute asked for, its value in each file (time order; nil where absent).
        public var globals: [String: [String?]]

        /// The per-dataset summary curation records (the same record as for a CMIP6 dataset).
        public func summary(dataset: String, sourceID: String) throws(ClimateDataError) -> CMIP6DatasetSummary {
            let dates = try field.time?.dates() ?? []
            return CMIP6DatasetSummary(
                dataset: dataset, sourceID: sourceID, files: files.count, firstYear: dates.first?.year ?? 0, lastYear: dates.last?.year ?? 0,
                timeSteps: field.timeSteps, calendar: field.time?.calendar.cfName ?? "", timeUnits: timeUnits, grid: field.grid.description,
                boundsInFile: boundsInFile, declaredFillValues: field.missing.declared, declaredMissing: field.missing.declaredCount,
                hugeValueMissing: field.missing.thresholdCount, defaultFillMissing: field.missing.defaultFillCount, issues: [])
        }
    }

    /// Reads, checks (``CFFieldCheck``) and joins the files; `globals` names global attributes to
    /// report per file.
    public func read(options: CFReadOptions = CFReadOptions(), globals: [String] = []) throws(ClimateDataError) -> Joined {
        guard !files.isEmpty else { throw ClimateDataError(.invalidArgument, "no files to read") }
        // Pass 1: the variable, calendar and first instant of each file, to order them.
        struct Head { var path: String; var variable: String; var calendar: CFCalendar; var first: CFInstant }
        var heads: [Head] = []
        for path in files {
            let reader = try CFReader(path: path)
            let name = try chosenVariable(reader)
            guard let axis = try reader.timeAxis(of: name), axis.count > 0 else {
                throw ClimateDataError(.malformed, "has no time axis (or no time steps); every file of a series needs one", file: path, variable: name)
            }
            var first = try axis.instants()[0]
            if axis.boundsAreContiguous, let lower = try axis.boundInstants()?.first?.0 { first = lower }
            heads.append(Head(path: path, variable: name, calendar: axis.calendar, first: first))
        }
        if let other = heads.first(where: { $0.variable != heads[0].variable }) {
            throw ClimateDataError(.mismatch, "holds '\(other.variable)' while \(heads[0].path) holds '\(heads[0].variable)'; one series is one variable (set the variable)", file: other.path)
        }
        if let other = heads.first(where: { !$0.calendar.isSame(as: heads[0].calendar) }) {
            throw ClimateDataError(.mismatch, "calendar \(other.calendar) differs from \(heads[0].calendar) in \(heads[0].path); calendars are never converted silently", file: other.path, variable: other.variable)
        }
        let ordered = heads.sorted { $0.first < $1.first || ($0.first == $1.first && $0.path < $1.path) }
        let calendar = heads[0].calendar
        let name = heads[0].variable

        // Pass 2: read, check and join.
        var joined: CFField? = nil
        var previous: (path: String, axis: TimeAxis)? = nil
        var unitsSeen: [String] = []
        var boundsInFile = true
        var globalValues: [String: [String?]] = Dictionary(uniqueKeysWithValues: globals.map { ($0, []) })
        for head in ordered {
            let reader = try CFReader(path: head.path)
            let field = try reader.read(name, options: options)
            try CFFieldCheck.validate(field, reader: reader)
            for g in globals { globalValues[g, default: []].append(reader.file.globalText(g)) }
            boundsInFile = boundsInFile && !field.grid.boundsDerived
            guard let axis = field.time else {
                throw ClimateDataError(.malformed, "has no time axis", file: head.path, variable: name)
            }
            let timeVar = reader.file.variables.first { $0.dimensions == [$0.name] && reader.role(of: $0.name) == .time }
            let unitsText = timeVar?.text("units") ?? axis.units.description
            if !unitsSeen.contains(unitsText) { unitsSeen.append(unitsText) }
            guard var acc = joined, let prev = previous, let accTime = acc.time else {
                joined = field; previous = (head.path, axis); continue
            }
            guard acc.grid.lat == field.grid.lat, acc.grid.lon == field.grid.lon else {
                throw ClimateDataError(.mismatch, "grid \(field.grid) (lon \(Self.range(field.grid.lon)), lat \(Self.range(field.grid.lat))) differs from \(acc.grid) (lon \(Self.range(acc.grid.lon)), lat \(Self.range(acc.grid.lat))) in \(prev.path)", file: head.path, variable: name)
            }
            try Self.checkMeets(previous: prev.axis, previousPath: prev.path, next: axis, nextPath: head.path, variable: name, calendar: calendar)
            acc.time = try accTime.appending(axis)
            acc.values += field.values
            acc.missing.merge(field.missing)
            joined = acc
            previous = (head.path, axis)
        }
        guard let field = joined, let time = field.time else { throw ClimateDataError(.dataset, "no readable time steps in \(files.count) file(s)") }
        return Joined(field: field, files: ordered.map(\.path), frequency: try TimeStepFrequency(of: time), timeUnits: unitsSeen,
                      boundsInFile: boundsInFile, globals: globalValues)
    }

    /// The variable of `reader`'s file this series reads.
    func chosenVariable(_ reader: CFReader) throws(ClimateDataError) -> String {
        if let variable { return variable }
        let candidates = reader.dataVariables()
        if let id = reader.file.globalText("variable_id"), candidates.contains(id) { return id }
        guard candidates.count == 1, let only = candidates.first else {
            throw ClimateDataError(.invalidArgument, candidates.isEmpty ? "has no data variable" : "has several data variables (\(candidates.joined(separator: ", "))) and no variable_id naming one; set the variable", file: reader.file.path)
        }
        return only
    }

    /// Throws when `next` does not start exactly where `previous` ends.
    static func checkMeets(previous: TimeAxis, previousPath: String, next: TimeAxis, nextPath: String, variable: String, calendar: CFCalendar) throws(ClimateDataError) {
        let p = try previous.instants(), n = try next.instants()
        guard let last = p.last, let first = n.first else { return }
        func date(_ i: CFInstant) -> String { calendar.dateTime(i).description }
        if first <= last {
            throw ClimateDataError(.dataset, "overlaps \(previousPath): it starts at \(date(first)), not after that file's last step \(date(last))", file: nextPath, variable: variable)
        }
        if previous.boundsAreContiguous, next.boundsAreContiguous, let pb = try previous.boundInstants()?.last, let nb = try next.boundInstants()?.first {
            if nb.0 < pb.1 {
                throw ClimateDataError(.dataset, "overlaps \(previousPath): its first step starts at \(date(nb.0)), before that file ends (\(date(pb.1)))", file: nextPath, variable: variable)
            }
            if nb.0 > pb.1 {
                throw ClimateDataError(.dataset, "leaves a gap after \(previousPath): that file ends at \(date(pb.1)), this one starts at \(date(nb.0)) (\(String(format: "%.4g", nb.0.days(since: pb.1))) days missing)", file: nextPath, variable: variable)
            }
            return
        }
        // Without bounds: the next stamp must fall in the period after the last one.
        let frequency = try TimeStepFrequency(of: previous.count > 1 ? previous : next)
        let a = calendar.dateTime(last), b = calendar.dateTime(first)
        let steps: Double
        switch frequency {
        case .yearly: steps = Double(b.year - a.year)
        case .monthly: steps = Double((b.year * 12 + b.month) - (a.year * 12 + a.month))
        case .daily: steps = Double(first.dayNumber - last.dayNumber)
        case .subDaily(let hours): steps = (first.days(since: last) * 24 / hours).rounded()
        case .unknown, .irregular:
            throw ClimateDataError(.dataset, "cannot check that it follows \(previousPath) without time bounds: the data are \(frequency)", file: nextPath, variable: variable)
        }
        if steps > 1 {
            throw ClimateDataError(.dataset, "leaves a gap after \(previousPath): that file's last \(frequency) step is \(date(last)), this one's first is \(date(first)) (\(Int(steps) - 1) step(s) missing)", file: nextPath, variable: variable)
        }
        if steps < 1 {
            throw ClimateDataError(.dataset, "overlaps \(previousPath): its first \(frequency) step \(date(first)) falls in the same period as that file's last step \(date(last))", file: nextPath, variable: variable)
        }
    }

    static func range(_ v: [Double]) -> String {
        guard let a = v.first, let b = v.last else { return "[]" }
        return "\(a)…\(b)"
    }
}

import Foundation

/// Where one file goes in CMIP6's data reference syntax (DRS), and what it is called:
///
///     <mip_era>/<activity_id>/<institution_id>/<source_id>/<experiment_id>/<member_id>/<table_id>/<variable_id>/<grid_label>/<version>/
///     <variable_id>_<table_id>_<source_id>_<experiment_id>_<member_id>_<grid_label>[_<start>-<end>].nc
///
/// The table goes where CMIP6 puts it (AIMIP writes the frequency there instead). Fixed fields
/// (`fx`, e.g. `areacella`) have no time range. Every facet is checked when the reference is made:
/// none may be empty or hold `/`, `_`, `.` or white space (they would break the path, the file name
/// or the dot-separated dataset id), the version is `vYYYYMMDD`, and the time range is two dates
/// of the same precision (`YYYY`, `YYYYMM`, …).
public struct CMIPDataReference: Sendable, Hashable {
    /// `CMIP6`.
    public var mipEra: String
    /// `ScenarioMIP`, `CMIP`.
    public var activityID: String
    /// Institution short name.
    public var institutionID: String
    /// Model (here: emulator) name, `SPF-CESM2`.
    public var sourceID: String
    /// `ssp245`.
    public var experimentID: String
    /// `r1i1p1f1`.
    public var memberID: String
    /// `Amon`, `fx`.
    public var tableID: String
    /// `tas`.
    public var variableID: String
    /// `gr`.
    public var gridLabel: String
    /// Publication version, `v20261206`.
    public var version: String
    /// First and last date of the file (`209101`, `209112`); nil for fixed fields.
    public var timeRange: (start: String, end: String)? {
        get { start.map { ($0, end ?? $0) } }
        set { start = newValue?.start; end = newValue?.end }
    }
    private var start: String?
    private var end: String?

    /// Makes a reference; a malformed facet is an `.invalidArgument` error naming it.
    public init(mipEra: String = "CMIP6", activityID: String, institutionID: String, sourceID: String, experimentID: String,
                memberID: String, tableID: String, variableID: String, gridLabel: String, version: String,
                timeRange: (start: String, end: String)? = nil) throws(ClimateDataError) {
        self.mipEra = mipEra; self.activityID = activityID; self.institutionID = institutionID; self.sourceID = sourceID
        self.experimentID = experimentID; self.memberID = memberID; self.tableID = tableID; self.variableID = variableID
        self.gridLabel = gridLabel; self.version = version; self.start = timeRange?.start; self.end = timeRange?.end
        for (name, value) in facets {
            guard !value.isEmpty, !value.contains(where: { $0 == "/" || $0 == "_" || $0 == "." || $0.isWhitespace }) else {
                throw ClimateDataError(.invalidArgument, "CMIP facet \(name) '\(value)' must be non-empty without '/', '_', '.' or spaces")
            }
        }
        guard version.count == 9, version.first == "v", version.dropFirst().allSatisfy(\.isASCII), version.dropFirst().allSatisfy(\.isNumber) else {
            throw ClimateDataError(.invalidArgument, "CMIP version '\(version)' is not vYYYYMMDD")
        }
        if let s = start, let e = end {
            guard s.count == e.count, [4, 6, 8, 10, 12].contains(s.count), (s + e).allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw ClimateDataError(.invalidArgument, "CMIP time range '\(s)-\(e)' is not two dates YYYY[MM[DD[hh[mm]]]] of one precision")
            }
        }
    }

    /// The facets in DRS order, by their CMIP6 names (the intake-esm catalogue's columns).
    public var facets: [(name: String, value: String)] {
        [("mip_era", mipEra), ("activity_id", activityID), ("institution_id", institutionID), ("source_id", sourceID),
         ("experiment_id", experimentID), ("member_id", memberID), ("table_id", tableID), ("variable_id", variableID),
         ("grid_label", gridLabel), ("version", version)]
    }

    /// The directory, relative to the archive root (`CMIP6/ScenarioMIP/…/v20261206`).
    public var directory: String { facets.map(\.value).joined(separator: "/") }

    /// The file name.
    public var fileName: String {
        var parts = [variableID, tableID, sourceID, experimentID, memberID, gridLabel]
        if let r = timeRange { parts.append("\(r.start)-\(r.end)") }
        return parts.joined(separator: "_") + ".nc"
    }

    /// Directory and file name, relative to the archive root.
    public var path: String { directory + "/" + fileName }

    /// The time range as the file name writes it (`209101-209112`), empty for fixed fields.
    public var timeRangeText: String { timeRange.map { "\($0.start)-\($0.end)" } ?? "" }

    /// ESGF's dataset id: the facets joined by dots (`CMIP6.ScenarioMIP.….gr.v20261206`).
    public var datasetID: String { facets.map(\.value).joined(separator: ".") }

    public static func == (a: Self, b: Self) -> Bool { a.path == b.path }
    public func hash(into hasher: inout Hasher) { hasher.combine(path) }

    /// The `vYYYYMMDD` version of a date (UTC).
    public static func version(of date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "v%04d%02d%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}

import Foundation

/// A parsed CMIP6 file name: `<variable>_<table>_<source_id>_<experiment>_<member>_<grid>[_<start>-<end>[-clim]].nc`.
public struct CMIP6FileName: Sendable, Hashable {
    /// variable_id (`ta`).
    public var variable: String
    /// table_id (`Amon`, `day`).
    public var table: String
    /// source_id (`CESM2`).
    public var sourceID: String
    /// experiment_id (`historical`, `ssp245`).
    public var experiment: String
    /// member_id (`r1i1p1f1`, or `s1960-r1i1p1f1` with a sub-experiment).
    public var member: String
    /// grid_label (`gn`, `gr1`).
    public var grid: String
    /// Start of the time range as written (`185001`), nil for fixed fields.
    public var start: String?
    /// End of the time range as written.
    public var end: String?

    /// Parses a file name (with or without directories); `.malformed` error if it does not follow the pattern.
    public init(parsing fileName: String) throws(ClimateDataError) {
        let base = (fileName as NSString).lastPathComponent
        guard base.hasSuffix(".nc") else {
            throw ClimateDataError(.malformed, "not a netCDF file name (no .nc suffix)", file: fileName)
        }
        let stem = String(base.dropLast(3))
        let parts = stem.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6 || parts.count == 7, parts.allSatisfy({ !$0.isEmpty }) else {
            throw ClimateDataError(.malformed, "file name does not follow <var>_<table>_<source_id>_<experiment>_<member>_<grid>[_<start>-<end>].nc", file: fileName)
        }
        variable = parts[0]; table = parts[1]; sourceID = parts[2]; experiment = parts[3]; member = parts[4]; grid = parts[5]
        guard grid.hasPrefix("g") else {
            throw ClimateDataError(.malformed, "grid label '\(grid)' does not start with 'g'", file: fileName)
        }
        if parts.count == 7 {
            var range = parts[6]
            if range.hasSuffix("-clim") { range = String(range.dropLast(5)) }
            let se = range.split(separator: "-").map(String.init)
            guard se.count == 2, se.allSatisfy({ s in s.allSatisfy(\.isNumber) && [4, 6, 8, 10, 12, 14].contains(s.count) }), se[0].count == se[1].count else {
                throw ClimateDataError(.malformed, "time range '\(parts[6])' is not <start>-<end> with YYYY[MM[DD[hh[mm[ss]]]]] dates", file: fileName)
            }
            start = se[0]; end = se[1]
        }
    }

    /// The dataset this file belongs to (everything but the time range).
    public var datasetID: String { [sourceID, experiment, member, table, variable, grid].joined(separator: ".") }

    /// The start as (year, month, day) for ordering; months/days default to 1.
    public var startKey: [Int] { CMIP6FileName.key(start) }

    static func key(_ s: String?) -> [Int] {
        guard let s else { return [] }
        let chars = Array(s)
        var out: [Int] = []
        var i = 0
        let widths = [4, 2, 2, 2, 2, 2]
        for w in widths where i + w <= chars.count {
            out.append(Int(String(chars[i..<(i + w)])) ?? 0)
            i += w
        }
        return out
    }
}

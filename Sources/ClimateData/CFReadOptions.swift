/// A vertical level asked for by value, e.g. 850 hPa; matched against the file's vertical
/// coordinate after unit conversion, with a relative tolerance (real files store float noise
/// such as 100000.00000001 Pa).
public struct VerticalSelection: Sendable, Hashable {
    /// The level value, in `units`.
    public var value: Double
    /// Units of `value`: `Pa`, `hPa`, `mbar`, `kPa`, `m`, `km` (or any string equal to the file's).
    public var units: String
    /// Relative tolerance for the match.
    public var relativeTolerance: Double

    /// Creates a selection.
    public init(value: Double, units: String, relativeTolerance: Double = 1e-6) {
        self.value = value; self.units = units; self.relativeTolerance = relativeTolerance
    }

    /// Parses `85000 Pa`, `850hPa`, `850 hPa`.
    public init(parsing text: String) throws(ClimateDataError) {
        let t = text.filter { !$0.isWhitespace }
        guard let split = t.firstIndex(where: { $0.isLetter }), let v = Double(t[..<split]) else {
            throw ClimateDataError(.invalidArgument, "level '\(text)' is not '<number> <units>' (e.g. 850 hPa)")
        }
        self.init(value: v, units: String(t[split...]))
    }

    /// Factor converting `units` to SI (Pa or m); nil for unknown units.
    static func siFactor(_ units: String) -> Double? {
        switch units.trimmingCharacters(in: .whitespaces).lowercased() {
        case "pa": return 1
        case "hpa", "mbar", "millibar", "mb": return 100
        case "kpa": return 1000
        case "bar": return 100_000
        case "m", "meter", "meters", "metre", "metres": return 1
        case "km": return 1000
        default: return nil
        }
    }
}

/// Longitude convention of fields returned by the reader. A regional grid that the requested
/// convention would split at its seam (e.g. Europe, -10…30, in 0…360) keeps the other convention.
public enum LongitudeConvention: String, Sendable {
    /// Longitudes in [0, 360), rolled so they increase (CMIP's convention).
    case zeroTo360
    /// Longitudes in [−180, 180), rolled so they increase.
    case minus180To180
}

/// How the CF reader decodes a variable.
public struct CFReadOptions: Sendable {
    /// The vertical level to read when the variable has a vertical dimension (required then,
    /// unless the dimension has length 1).
    public var level: VerticalSelection?
    /// Longitude convention of the returned grid.
    public var longitudes: LongitudeConvention
    /// Values with |x| at or above this are missing even without `_FillValue`/`missing_value`
    /// (CMIP's 1e20 fill, present in sample files that lost their fill attributes). nil disables it.
    public var hugeValueThreshold: Double?
    /// Time steps to read (all when nil).
    public var timeRange: Range<Int>?

    /// Defaults: no level, 0…360, 1e20·(1−1e−6) threshold, all steps.
    public init(level: VerticalSelection? = nil, longitudes: LongitudeConvention = .zeroTo360,
                hugeValueThreshold: Double? = 1e20 * (1 - 1e-6), timeRange: Range<Int>? = nil) {
        self.level = level; self.longitudes = longitudes; self.hugeValueThreshold = hugeValueThreshold; self.timeRange = timeRange
    }
}

import Foundation

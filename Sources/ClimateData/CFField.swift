/// What the reader found about missing values in one variable.
public struct MissingValueReport: Sendable, Equatable {
    /// Values declared by `_FillValue` and `missing_value`.
    public var declared: [Double]
    /// Number of read values equal to a declared fill value.
    public var declaredCount: Int
    /// Number of read values treated as missing by the 1e20 threshold without a matching attribute.
    public var thresholdCount: Int
    /// Number of values that were already NaN in the file.
    public var nanCount: Int
    /// Number of values equal to netCDF's default fill for the type (e.g. 9.96921e36 for float)
    /// in a variable without `_FillValue`: never-written data, masked as netCDF4-python does.
    public var defaultFillCount: Int = 0
    /// Number of values that were +∞ or −∞ in the file (masked; curation refuses them, see ``CFFieldCheck``).
    public var infiniteCount: Int = 0

    /// Creates an empty report.
    public init(declared: [Double] = [], declaredCount: Int = 0, thresholdCount: Int = 0, nanCount: Int = 0) {
        self.declared = declared; self.declaredCount = declaredCount; self.thresholdCount = thresholdCount; self.nanCount = nanCount
    }

    /// All missing values found.
    public var total: Int { declaredCount + thresholdCount + nanCount + defaultFillCount + infiniteCount }

    /// Adds another report's counts (declared values are merged).
    public mutating func merge(_ other: MissingValueReport) {
        for d in other.declared where !declared.contains(d) { declared.append(d) }
        declaredCount += other.declaredCount; thresholdCount += other.thresholdCount; nanCount += other.nanCount
        defaultFillCount += other.defaultFillCount
        infiniteCount += other.infiniteCount
    }
}

/// A decoded field: one variable at one vertical level on a normalised lat–lon grid over time.
///
/// Shape contract: `values.count == timeSteps * grid.nlat * grid.nlon`, row-major
/// `[time, lat, lon]`, latitudes ascending; missing values are NaN.
public struct CFField: Sendable {
    /// Variable name and CF metadata.
    public var variable: CFVariableSpec
    /// The normalised grid.
    public var grid: LatLonGrid
    /// The time axis (nil for a variable without time; then `timeSteps == 1`).
    public var time: TimeAxis?
    /// The selected vertical level in the file's units, if the variable has one.
    public var level: CFScalarCoordinate?
    /// The data, NaN for missing.
    public var values: [Float]
    /// Missing values found.
    public var missing: MissingValueReport

    /// Creates a field (no checks; see the shape contract).
    public init(variable: CFVariableSpec, grid: LatLonGrid, time: TimeAxis?, level: CFScalarCoordinate?, values: [Float], missing: MissingValueReport) {
        self.variable = variable; self.grid = grid; self.time = time; self.level = level; self.values = values; self.missing = missing
    }

    /// Number of time steps.
    public var timeSteps: Int { time?.count ?? 1 }
}

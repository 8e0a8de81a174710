/// What one data variable of a CF file is: its name and CF metadata.
public struct CFVariableSpec: Sendable {
    /// netCDF variable name (`tas`, `pr`, `ta`).
    public var name: String
    /// CF standard name (`air_temperature`), if any.
    public var standardName: String?
    /// Long name, if any.
    public var longName: String?
    /// Units (`K`, `kg m-2 s-1`).
    public var units: String
    /// CF cell_methods (`time: mean`, `area: time: mean`), if any.
    public var cellMethods: String?
    /// Further attributes written as given.
    public var extraAttributes: [(name: String, value: CFAttribute)]

    /// Creates a variable description.
    public init(name: String, standardName: String? = nil, longName: String? = nil, units: String,
                cellMethods: String? = nil, extraAttributes: [(name: String, value: CFAttribute)] = []) {
        self.name = name; self.standardName = standardName; self.longName = longName
        self.units = units; self.cellMethods = cellMethods; self.extraAttributes = extraAttributes
    }
}

/// A scalar coordinate (CF §5.7), e.g. `height = 2 m` for tas or `plev = 85000 Pa` for one level of ta.
public struct CFScalarCoordinate: Sendable {
    /// Variable name (`height`, `plev`).
    public var name: String
    /// The value.
    public var value: Double
    /// Units.
    public var units: String
    /// CF standard name, if any.
    public var standardName: String?
    /// `positive` attribute (`up`/`down`), if any.
    public var positive: String?
    /// Long name, if any (CMIP6 writes `height` for tas's 2 m).
    public var longName: String? = nil
    /// `axis` attribute (`Z`), if any.
    public var axis: String? = nil

    /// Creates a scalar coordinate.
    public init(name: String, value: Double, units: String, standardName: String? = nil, positive: String? = nil) {
        self.name = name; self.value = value; self.units = units; self.standardName = standardName; self.positive = positive
    }
}

/// A vertical coordinate written as a dimension (e.g. `plev`), for files without a member dimension.
public struct CFVerticalAxis: Sendable, Equatable {
    /// Dimension and variable name (`plev`).
    public var name: String
    /// Level values.
    public var values: [Double]
    /// Units (`Pa`).
    public var units: String
    /// CF standard name (`air_pressure`), if any.
    public var standardName: String?
    /// `positive` attribute (`down` for pressure), if any.
    public var positive: String?

    /// Creates a vertical axis.
    public init(name: String, values: [Double], units: String, standardName: String? = nil, positive: String? = nil) {
        self.name = name; self.values = values; self.units = units; self.standardName = standardName; self.positive = positive
    }
}

/// Provenance recorded in global attributes of files spfflow writes.
public struct CFProvenance: Sendable {
    /// Source models (ESM source_ids) the data derive from.
    public var sources: [String]
    /// Scenario / experiment, if any.
    public var scenario: String?
    /// spfflow version string.
    public var softwareVersion: String
    /// Content key of the node output that produced the file, if any.
    public var cacheKey: String?
    /// Free-text history line.
    public var history: String?

    /// Creates a provenance record.
    public init(sources: [String], scenario: String? = nil, softwareVersion: String, cacheKey: String? = nil, history: String? = nil) {
        self.sources = sources; self.scenario = scenario; self.softwareVersion = softwareVersion
        self.cacheKey = cacheKey; self.history = history
    }

    /// The global attributes this provenance becomes.
    public var attributes: [(name: String, value: CFAttribute)] {
        var a: [(name: String, value: CFAttribute)] = [
            ("source", .text(sources.joined(separator: ", "))),
            ("source_models", .text(sources.joined(separator: " "))),
            ("spfflow_version", .text(softwareVersion)),
        ]
        if let scenario { a.append(("scenario", .text(scenario))) }
        if let cacheKey { a.append(("spfflow_cache_key", .text(cacheKey))) }
        if let history { a.append(("history", .text(history))) }
        return a
    }
}

/// Everything the CF writer needs to lay out a file: one data variable on a lat–lon grid over
/// time, optionally with a leading `member` dimension (ensembles), scalar coordinates and
/// global attributes.
///
/// Data shape contract (what `CFWriter.write(path:spec:values:)` takes): `[members.count,
/// time.count, grid.nlat, grid.nlon]` when `members` is set, `[time.count, levels.count,
/// grid.nlat, grid.nlon]` when `levels` is set, `[time.count, grid.nlat, grid.nlon]` otherwise;
/// row-major, latitudes ascending. The on-disk dimension order is `memberLayout`.
public struct CFFileSpec: Sendable {
    /// Where the member dimension goes in the file.
    public enum MemberLayout: String, Sendable, CaseIterable {
        /// `(member, time, lat, lon)`: the ensemble layout xarray users expect; CDO cannot read it
        /// (CDO requires time to be the first dimension).
        case memberFirst
        /// `(time, member, lat, lon)`: readable by CDO (member becomes a generic z-axis) and xarray,
        /// provided there is no scalar vertical coordinate (CDO would take that as the z-axis).
        case timeFirst
    }

    /// The data variable.
    public var variable: CFVariableSpec
    /// The horizontal grid (bounds are always written).
    public var grid: LatLonGrid
    /// The time axis (units, calendar and bounds are written as given: never converted).
    public var time: TimeAxis
    /// Member labels (`r1i1p1f1`, `spf-003`), or nil for a file without a member dimension.
    public var members: [String]?
    /// The `member` coordinate (CF `realization`) of each label, e.g. k + 1 for a sampler's member k; nil: 1, 2, 3, …
    public var memberNumbers: [Int]?
    /// Scalar coordinates referenced from the variable's `coordinates` attribute.
    public var scalarCoordinates: [CFScalarCoordinate]
    /// Global attributes (`Conventions = CF-1.8` is always added first).
    public var globalAttributes: [(name: String, value: CFAttribute)]
    /// Provenance, written as global attributes.
    public var provenance: CFProvenance?
    /// Deflate level 1…9 (shuffle is always on); 0 writes uncompressed.
    public var deflateLevel: Int
    /// Time steps per chunk (a chunk is always one member and the whole horizontal grid).
    public var timeStepsPerChunk: Int
    /// On-disk order of the member and time dimensions.
    public var memberLayout: MemberLayout
    /// Whether to write `lat_bnds`/`lon_bnds` (true unless imitating files that lack them).
    public var writeGridBounds: Bool = true
    /// A vertical dimension after time (`[time, level, lat, lon]`); only without `members`.
    public var levels: CFVerticalAxis? = nil
    /// Keep at most the chunks of one member's write in the library's chunk cache, per data variable (false: netCDF's
    /// default cache, which holds the written chunks of many members, 16 MiB and more per variable, until it is full or
    /// the file closes). For a writer that fills whole chunks member by member, so memory does not grow with the members.
    public var memberChunkCache: Bool = false
    /// Further data variables on the same dimensions (e.g. `pr` beside `tas` in one ensemble file),
    /// written with `CFWriter.write(variable:member:timeStart:values:)`.
    public var additionalVariables: [CFVariableSpec] = []

    /// Every data variable of the file, `variable` first.
    public var dataVariables: [CFVariableSpec] { [variable] + additionalVariables }

    /// Creates a file description.
    public init(variable: CFVariableSpec, grid: LatLonGrid, time: TimeAxis, members: [String]? = nil, memberNumbers: [Int]? = nil,
                scalarCoordinates: [CFScalarCoordinate] = [], globalAttributes: [(name: String, value: CFAttribute)] = [],
                provenance: CFProvenance? = nil, deflateLevel: Int = 4, timeStepsPerChunk: Int = 12,
                memberLayout: MemberLayout = .memberFirst) {
        self.variable = variable; self.grid = grid; self.time = time; self.members = members; self.memberNumbers = memberNumbers
        self.scalarCoordinates = scalarCoordinates; self.globalAttributes = globalAttributes
        self.provenance = provenance; self.deflateLevel = deflateLevel; self.timeStepsPerChunk = timeStepsPerChunk
        self.memberLayout = memberLayout
    }

    /// The data shape this spec expects.
    public var shape: [Int] {
        if let l = levels { return [time.count, l.values.count, grid.nlat, grid.nlon] }
        let s = [time.count, grid.nlat, grid.nlon]
        return members.map { [$0.count] + s } ?? s
    }
}

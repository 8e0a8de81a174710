/// What to sample: a period of one scenario for one ESM, at one output timescale, for a set of members.
public struct SamplingRequest: Codable, Sendable, Equatable {
    /// Scenario label (informational; the forcing series supplies the numbers).
    public var scenario: String
    /// First calendar year of the requested period.
    public var startYear: Int
    /// Number of years in the period.
    public var years: Int
    /// Output timescale (selects the path: decadal → DDD, yearly → DYY, monthly → DYM).
    public var target: Timescale
    /// Absolute member indices; member m uses its own RNG streams, whatever batch it is in.
    public var members: [Int]
    /// Source-model (ESM) index for the source embedding.
    public var source: Int
    /// RNG seed.
    public var seed: UInt64
    /// Year at which decadal frames are aligned (decades are [origin + 10k, origin + 10k + 10)).
    public var decadeOriginYear: Int

    /// Creates a request.
    public init(scenario: String, startYear: Int, years: Int, target: Timescale, members: [Int], source: Int,
                seed: UInt64, decadeOriginYear: Int = 2015) {
        self.scenario = scenario
        self.startYear = startYear
        self.years = years
        self.target = target
        self.members = members
        self.source = source
        self.seed = seed
        self.decadeOriginYear = decadeOriginYear
    }

    /// Requested period as absolute months [start, end).
    public var monthRange: Range<Int> { (startYear * 12)..<((startYear + years) * 12) }

    /// Checks the request.
    public func validate() throws {
        guard years >= 1 else { throw SPFModelError(.invalidConfiguration, "request needs years ≥ 1, got \(years)") }
        guard !members.isEmpty else { throw SPFModelError(.invalidConfiguration, "request has no members") }
        guard source >= 0 else { throw SPFModelError(.invalidConfiguration, "source index \(source) must be ≥ 0") }
        guard Set(members).count == members.count else {
            throw SPFModelError(.invalidConfiguration, "request members contain duplicates")
        }
    }
}

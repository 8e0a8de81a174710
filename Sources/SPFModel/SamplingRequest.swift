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
    /// Antithetic member pairs: member 2k + 1 draws the negated noise of member 2k at every stage (the ±
    /// perturbation pairs of operational ensembles). Each member is still an exact sample; only the pair's
    /// mean loses most of its sampling noise. See ``antitheticPartner(of:)``.
    public var antithetic: Bool

    /// Creates a request.
    public init(scenario: String, startYear: Int, years: Int, target: Timescale, members: [Int], source: Int,
                seed: UInt64, decadeOriginYear: Int = 2015, antithetic: Bool = false) {
        self.scenario = scenario
        self.startYear = startYear
        self.years = years
        self.target = target
        self.members = members
        self.source = source
        self.seed = seed
        self.decadeOriginYear = decadeOriginYear
        self.antithetic = antithetic
    }

    private enum CodingKeys: String, CodingKey {
        case scenario, startYear, years, target, members, source, seed, decadeOriginYear, antithetic
    }

    /// Decodes a request; states written before antithetic pairs existed decode as independent members.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scenario = try c.decode(String.self, forKey: .scenario)
        startYear = try c.decode(Int.self, forKey: .startYear)
        years = try c.decode(Int.self, forKey: .years)
        target = try c.decode(Timescale.self, forKey: .target)
        members = try c.decode([Int].self, forKey: .members)
        source = try c.decode(Int.self, forKey: .source)
        seed = try c.decode(UInt64.self, forKey: .seed)
        decadeOriginYear = try c.decode(Int.self, forKey: .decadeOriginYear)
        antithetic = try c.decodeIfPresent(Bool.self, forKey: .antithetic) ?? false
    }

    /// The member whose noise `member` negates (2k ↔ 2k + 1) when the request is antithetic.
    public static func antitheticPartner(of member: Int) -> Int { member ^ 1 }

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
        guard members.allSatisfy({ $0 >= 0 }) else {
            throw SPFModelError(.invalidConfiguration, "request members must be ≥ 0, got \(members.filter { $0 < 0 })")
        }
    }
}

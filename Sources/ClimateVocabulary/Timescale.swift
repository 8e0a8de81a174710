/// The time resolution of a field or of a latent frame: one frame per month, per year or per decade.
///
/// One type for the whole tool: the SPF model samples at these timescales (each with a learned
/// embedding), the evaluation scores at them, and manifests, cache objects and JSON name them by
/// their raw values (`monthly`, `yearly`, `decadal`), which never change.
///
/// Two orders, both fixed: `allCases` runs coarsest first (decadal, yearly, monthly), the order of the
/// pyramid's stages and of the embedding indices; `<` and ``finestFirst`` run finest first, the order
/// of the skill tables.
public enum Timescale: String, Sendable, CaseIterable, Codable, Comparable {
    /// Ten-year means (blocks of up to ten years; 120 months).
    case decadal
    /// Calendar-year means (12 months).
    case yearly
    /// Monthly means.
    case monthly

    /// Every timescale, finest first: monthly, yearly, decadal.
    public static let finestFirst: [Timescale] = [.monthly, .yearly, .decadal]

    /// Finest first: monthly < yearly < decadal.
    public static func < (a: Timescale, b: Timescale) -> Bool { a.months < b.months }

    /// Number of months one frame of this timescale averages.
    public var months: Int {
        switch self {
        case .decadal: return 120
        case .yearly: return 12
        case .monthly: return 1
        }
    }

    /// Index used for the learned timescale embedding (decadal 0, yearly 1, monthly 2).
    public var embeddingIndex: Int {
        switch self {
        case .decadal: return 0
        case .yearly: return 1
        case .monthly: return 2
        }
    }
}

/// The temporal aggregation level of a latent frame.
public enum Timescale: String, Codable, Sendable, CaseIterable {
    /// Ten-year means (120 months).
    case decadal
    /// Calendar-year means (12 months).
    case yearly
    /// Monthly means.
    case monthly

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

/// The time resolution of a field: one frame per month, per year or per decade.
public enum Timescale: String, Sendable, CaseIterable, Codable, Comparable {
    /// One frame per calendar month.
    case monthly
    /// One frame per calendar year.
    case yearly
    /// One frame per block of (up to) ten years.
    case decadal

    /// Finest first: monthly < yearly < decadal.
    public static func < (a: Timescale, b: Timescale) -> Bool { a.rank < b.rank }

    private var rank: Int {
        switch self {
        case .monthly: 0
        case .yearly: 1
        case .decadal: 2
        }
    }
}

import Foundation

/// A named span of whole years over which metrics are computed, e.g. 2015–2100 or 2080–2100.
public struct EvaluationPeriod: Sendable, Equatable, Hashable, Codable {
    /// First year, inclusive.
    public var firstYear: Int
    /// Last year, inclusive.
    public var lastYear: Int

    /// Creates a period; `firstYear` must not be after `lastYear`.
    public init(firstYear: Int, lastYear: Int) throws(EvaluationError) {
        guard firstYear <= lastYear else {
            throw EvaluationError(.invalidArgument, "period \(firstYear)-\(lastYear) ends before it starts")
        }
        self.firstYear = firstYear
        self.lastYear = lastYear
    }

    /// Parses `"2015-2100"`.
    public init(parsing text: String) throws(EvaluationError) {
        let parts = text.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let a = parts[0], let b = parts[1] else {
            throw EvaluationError(.invalidArgument, "period '\(text)' is not of the form YYYY-YYYY")
        }
        try self.init(firstYear: a, lastYear: b)
    }

    /// `"2015-2100"`, the label used in tables and figure names.
    public var label: String { "\(firstYear)-\(lastYear)" }

    /// The frames of a monthly or yearly `axis` whose year lies in this period (contiguous).
    public func frames(in axis: FrameAxis) throws(EvaluationError) -> Range<Int> {
        let selected = (0..<axis.count).filter { t in
            let y = axis.years(of: t)
            return y.lowerBound >= firstYear && y.upperBound <= lastYear
        }
        guard let first = selected.first, let last = selected.last else {
            throw EvaluationError(.insufficientData, "period \(label) has no frames on an axis of "
                                  + "\(axis.count) \(axis.timescale.rawValue) frames starting \(axis.startYear)")
        }
        return first..<(last + 1)
    }
}

import ClimateData
import Foundation
import SPFEngine

/// The time steps of curation shared by `climate.curate` and `climate.files`: an optional window
/// of years, then means over months, years or decades weighted by the step lengths of the data's
/// own calendar (see ``TimeAggregator``). A value type: the params of a curation node.
struct TimeCuration: Sendable, Equatable {
    /// The `period` param of a curation node: no aggregation, or the period means are taken over.
    enum Period: String, CaseIterable, ParamChoice, Sendable {
        /// The data's own time steps.
        case none
        /// Calendar months.
        case month
        /// Calendar years.
        case year
        /// Decades starting in years divisible by 10.
        case decade
    }

    /// First year kept (0: from the start).
    var startYear: Int
    /// Last year kept (0: to the end).
    var endYear: Int
    /// `none`, `month`, `year` or `decade`.
    var period: String
    /// Periods covered less than this fraction are dropped.
    var minCoverage: Double

    /// Reads the params `start_year`, `end_year`, `period`, `min_coverage` of a curation node.
    init(startYear: Int, endYear: Int, period: String, minCoverage: Double) throws {
        guard period == "none" || AggregationPeriod(rawValue: period) != nil else {
            throw ClimateDataError(.invalidArgument, "period '\(period)' is not none, month, year or decade")
        }
        self.startYear = startYear; self.endYear = endYear; self.period = period; self.minCoverage = minCoverage
    }

    /// The aggregation period, nil for `none`.
    var aggregation: AggregationPeriod? { AggregationPeriod(rawValue: period) }

    /// Applies the window and the aggregation to `field` (dataset `id` names it in errors) and
    /// updates the years of `summary`.
    func apply(to field: inout CFField, summary: inout CMIP6DatasetSummary, id: String, progress: (Double, String) -> Void) throws {
        guard var time = field.time else { throw ClimateDataError(.malformed, "dataset \(id) has no time axis") }
        if startYear != 0 || endYear != 0 {
            let dates = try time.dates()
            let keep = dates.indices.filter { (startYear == 0 || dates[$0].year >= startYear) && (endYear == 0 || dates[$0].year <= endYear) }
            guard let first = keep.first, let last = keep.last else {
                throw ClimateDataError(.dataset, "dataset \(id) has no time steps in \(startYear)…\(endYear)")
            }
            let plane = field.grid.size
            field.values = Array(field.values[(first * plane)..<((last + 1) * plane)])
            time.values = Array(time.values[first...last])
            time.bounds = time.bounds.map { Array($0[(2 * first)..<(2 * last + 2)]) }
            field.time = time
        }
        guard let agg = aggregation else { return }
        // Never a period finer than the data: yearly values must not come out labelled as months.
        let frequency = try TimeStepFrequency(of: time)
        guard frequency.canAggregate(to: agg) else {
            throw ClimateDataError(.invalidArgument, "dataset \(id): the data are \(frequency); period '\(period)' would be finer than the data (use \(frequency == .yearly ? "year, decade or none" : "a longer period or none"))")
        }
        progress(0.6, "aggregating to \(period)")
        let frames = try TimeAggregator(period: agg).frames(of: time).filter { $0.coverage >= minCoverage - 1e-9 }
        guard !frames.isEmpty else { throw ClimateDataError(.dataset, "dataset \(id) has no complete \(period)") }
        field.values = TimeAggregator.mean(field.values, pointsPerStep: field.grid.size, frames: frames)
        field.time = try TimeAggregator.axis(of: frames, calendar: time.calendar, units: time.units)
        let cm = field.variable.cellMethods ?? "time: mean"
        field.variable.cellMethods = cm.contains("time: mean") ? cm + " (\(period)ly means, \(time.calendar.cfName) month lengths)" : cm + " time: mean"
        if let d = try field.time?.dates() { summary.firstYear = d.first?.year ?? summary.firstYear; summary.lastYear = d.last?.year ?? summary.lastYear }
    }
}

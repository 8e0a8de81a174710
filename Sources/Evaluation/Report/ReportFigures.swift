/// A set of global-mean series (one per member) with how to draw them.
public struct GlobalMeanSeries: Sendable {
    /// Legend label, e.g. `SPF` or `simulator`.
    public var label: String
    /// Frame centres in fractional years, `[time]`.
    public var years: [Double]
    /// Series per member, `[member][time]`.
    public var members: [[Double]]
    /// Colour.
    public var color: RGBColor

    /// Creates a series set.
    public init(label: String, years: [Double], members: [[Double]], color: RGBColor) {
        self.label = label
        self.years = years
        self.members = members
        self.color = color
    }
}

/// Builders for the report's standard figures from plain arrays.
public enum ReportFigures {
    /// Colours for models in plots, in order: one for each of the report's models (SPF, the two flows and the
    /// three cheap baselines) and more, so no two models of one chart share a colour.
    public static let palette: [RGBColor] = [0x2166AC, 0xD6604D, 0x1B7837, 0x762A83, 0xE08214, 0x35978F, 0x8C510A, 0x4D4D4D]
        .map { RGBColor(hex: $0) }

    /// Maps of the ensemble mean, the ensemble spread and the error of the ensemble mean against
    /// one held-out truth member, each averaged over the frames given (e.g. a late-century decade).
    /// - Parameters:
    ///   - ensemble: `[M, T, lat, lon]`, the model's frames of the period.
    ///   - truth: `[K, T, lat, lon]`, the simulator's frames of the same period.
    ///   - truthMember: which truth member the error map is against.
    public static func periodMaps(variable: String, units: String, esm: String, model: String,
                                  ensemble: EnsembleField, truth: EnsembleField, truthMember: Int = 0,
                                  grid: AreaWeightedGrid, periodLabel: String,
                                  meanColormap: Colormap = .viridis) throws(EvaluationError) -> ReportSection {
        guard ensemble.times == truth.times, ensemble.cells == grid.cellCount, truth.cells == grid.cellCount,
              truthMember >= 0, truthMember < truth.members else {
            throw EvaluationError(.shapeMismatch, "maps need matching ensemble [\(ensemble.times), \(ensemble.cells)] "
                                  + "and truth [\(truth.times), \(truth.cells)] with member \(truthMember) < \(truth.members)",
                                  model: model, variable: variable)
        }
        let c = grid.cellCount, t = ensemble.times
        let mean = ensemble.ensembleMeanDouble(), spread = ensemble.ensembleSpread()
        let target = try truth.selecting(members: [truthMember])
        var meanMap = [Float](repeating: 0, count: c), spreadMap = meanMap, errorMap = meanMap
        for cell in 0..<c {
            var m = 0.0, s = 0.0, y = 0.0
            for frame in 0..<t {
                m += mean[frame * c + cell]
                s += Double(spread[frame * c + cell])
                y += Double(target.values[frame * c + cell])
            }
            meanMap[cell] = Float(m / Double(t))
            spreadMap[cell] = Float(s / Double(t))
            errorMap[cell] = Float((m - y) / Double(t))
        }
        let renderer = MapRenderer()
        let slug = "\(variable)_\(esm)_\(model)".filter { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        return ReportSection(
            title: "\(variable), \(esm), \(periodLabel)",
            text: "\(model): ensemble mean and spread (\(ensemble.members) members, spread = mean over frames of the "
                + "per-frame ensemble standard deviation) and the error of the ensemble mean against held-out "
                + "simulator member \(truthMember + 1), all averaged over \(periodLabel).",
            figures: [
                ReportFigure(fileName: "map_\(slug)_mean.svg", caption: "ensemble mean",
                             image: try renderer.render(field: meanMap, grid: grid,
                                                        title: "\(variable) \(model) mean, \(periodLabel)", units: units,
                                                        style: .sequential(meanColormap))),
                ReportFigure(fileName: "map_\(slug)_spread.svg", caption: "ensemble spread",
                             image: try renderer.render(field: spreadMap, grid: grid,
                                                        title: "\(variable) \(model) spread, \(periodLabel)", units: units,
                                                        style: .sequential(.viridis))),
                ReportFigure(fileName: "map_\(slug)_error.svg", caption: "error vs held-out member",
                             image: try renderer.render(field: errorMap, grid: grid,
                                                        title: "\(variable) \(model) − truth, \(periodLabel)", units: units,
                                                        style: .diverging(.blueWhiteRed))),
            ])
    }

    /// Global-mean time series: each ensemble's 5–95 % band and median against the truth members' lines.
    public static func globalMeanPlot(variable: String, units: String, esm: String, scenario: String,
                                      truth: GlobalMeanSeries, ensembles: [GlobalMeanSeries],
                                      scenarioStart: Double? = 2015) -> ReportFigure {
        var plot = TimeSeriesPlot(title: "Global-mean \(variable), \(esm), \(scenario)", yLabel: "\(variable) (\(units))")
        for member in truth.members {
            plot.lines.append(SeriesLine(x: truth.years, y: member, color: truth.color, width: 1, opacity: 0.6,
                                         label: "\(truth.label) members"))
        }
        for ensemble in ensembles {
            let band = EnsembleStatistics.quantileBand(ensemble.members, lower: 0.05, upper: 0.95)
            plot.bands.append(SeriesBand(x: ensemble.years, lower: band.lower, upper: band.upper, color: ensemble.color,
                                         opacity: 0.28, label: "\(ensemble.label) 5–95 %"))
            plot.lines.append(SeriesLine(x: ensemble.years, y: band.median, color: ensemble.color, width: 2,
                                         label: "\(ensemble.label) median"))
        }
        if let scenarioStart { plot.marker = (scenarioStart, scenario) }
        let slug = "\(variable)_\(esm)".filter { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        return ReportFigure(fileName: "series_\(slug).svg",
                            caption: "global mean \(variable), \(esm): ensemble 5–95 % band and median vs simulator members",
                            image: plot.render())
    }
}

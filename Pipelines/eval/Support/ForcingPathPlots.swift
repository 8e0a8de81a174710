import Evaluation
import Foundation
import SPFEngine

/// The report's "Forcing paths" section: every conditioning channel's yearly path in each scenario the run was given
/// (`climate.align-forcings` outputs), one plot per channel with one line per scenario, and where each path came from
/// (RCMIP, an IAMC scenario file, the simple climate model, a CSV series).
enum ForcingPathPlots {
    /// The section, nil without forcing inputs.
    static func section(_ objects: [StoredObject], node: String) throws -> ReportSection? {
        struct Path { var experiment: String; var firstYear: Int; var values: [Float]; var names: [String]; var units: [String] }
        var paths: [Path] = []
        var sources: [String] = []
        for object in objects {
            let experiment = AlignedForcingObject.experimentID(object) ?? "?"
            guard !paths.contains(where: { $0.experiment == experiment }) else { continue }
            let names = try AlignedForcingObject.forcingNames(object, node: node)
            let units = AlignedForcingObject.forcingUnits(object)
            let (shape, values) = try AlignedForcingObject.yearly(object)
            guard shape.count == 2, shape[1] == names.count, let first = AlignedForcingObject.firstYear(object) else {
                throw EngineError(.nodeFailed, "forcing input \(object.key) has no yearly forcing of its \(names.count) channels", node: node)
            }
            paths.append(Path(experiment: experiment, firstYear: first, values: values, names: names, units: units))
            let origin = AlignedForcingObject.origin(object).map { "\($0.0) \($0.1)" }
            sources.append("\(experiment): \(origin.isEmpty ? "RCMIP" : origin.joined(separator: "; "))")
        }
        guard let names = paths.first?.names else { return nil }
        var figures: [ReportFigure] = []
        for (k, name) in names.enumerated() {
            let units = paths.first.flatMap { $0.units.indices.contains(k) ? $0.units[k] : nil } ?? ""
            var plot = TimeSeriesPlot(title: "Forcing \(name)", yLabel: units.isEmpty ? name : "\(name) (\(units))")
            plot.height = 300
            for (i, path) in paths.enumerated() where path.names.indices.contains(k) {
                let g = path.names.count, years = path.values.count / g
                plot.lines.append(SeriesLine(x: (0..<years).map { Double(path.firstYear + $0) + 0.5 },
                                             y: (0..<years).map { Double(path.values[$0 * g + k]) },
                                             color: ReportFigures.palette[i % ReportFigures.palette.count], width: 2, label: path.experiment))
            }
            let slug = name.filter { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
            figures.append(ReportFigure(fileName: "forcing_\(slug).svg", caption: "\(name): yearly means per scenario", image: plot.render()))
        }
        return ReportSection(title: "Forcing paths",
                             text: "The conditioning forcings of each scenario, yearly means. Where they come from: "
                                 + sources.joined(separator: ". ") + ".",
                             figures: figures)
    }
}

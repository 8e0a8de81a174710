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
            let experiment = object.attribute("experiment_id") ?? "?"
            guard !paths.contains(where: { $0.experiment == experiment }) else { continue }
            let names = try EmulatorObjects.decode([String].self, object.attribute("forcing_names"), what: "forcing_names", node: node)
            let units = (try? EmulatorObjects.decode([String].self, object.attribute("forcing_units"), what: "forcing_units", node: node)) ?? []
            let (shape, values) = try object.readFloats("forcing_yearly")
            guard shape.count == 2, shape[1] == names.count, let first = EmulatorObjects.firstYear(object) else {
                throw EngineError(.nodeFailed, "forcing input \(object.key) has no yearly forcing of its \(names.count) channels", node: node)
            }
            paths.append(Path(experiment: experiment, firstYear: first, values: values, names: names, units: units))
            var origin: [String] = []
            for attribute in ["scenario_file", "scenario", "scenario_erf", "scenario_infilled", "series_file"] {
                if let v = object.attribute(attribute), !v.isEmpty { origin.append("\(attribute) \(v)") }
            }
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

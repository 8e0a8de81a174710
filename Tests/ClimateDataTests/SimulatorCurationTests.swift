import Foundation
import Testing
import ClimateData

/// The generated DRS tree goes through the same discovery and CF reader as real CMIP6 downloads,
/// and the forcings align to the frames the reader decodes.
@Test func generatedTreeIsCuratedLikeRealDownloads() throws {
    let data = try RCMIPTestSupport.extract()
    let config = ClimateSuiteConfiguration(models: ["BCC-CSM2-MR", "NorESM2-LM", "UKESM1-0-LL"], experiments: ["historical", "ssp370"],
                                           members: 2, gridScale: 0.1, firstYear: 1995, lastYear: 2035, seed: 11)
    let sim = try ClimateSuiteSimulator(configuration: config, forcing: data)
    let root = try TestSupport.scratch("curate")
    defer { try? FileManager.default.removeItem(at: root) }
    let writer = ClimateSuiteWriter(root: root, softwareVersion: "test")
    let box = RunStore()
    try sim.run(threads: 2) { run in
        try writer.write(run)
        box.put(run)
    }
    let catalog = try CMIP6Catalog(root: root.path)
    #expect(catalog.issues.isEmpty, "\(catalog.issues)")
    #expect(catalog.datasets.count == 3 * 2 * 2 * 2) // models × experiments × members × variables
    for dataset in catalog.datasets {
        let (field, issues, summary) = try dataset.read()
        #expect(issues.isEmpty, "\(dataset.id): \(issues)")
        let run = try #require(box.get("\(dataset.sourceID)/\(dataset.experiment)/\(dataset.member)"))
        let expected = dataset.variable == "pr" ? run.pr : run.tas
        #expect(field.values == expected, "\(dataset.id)")
        let time = try #require(field.time)
        #expect(time.calendar == (try CFCalendar(cfName: run.model.calendar)))
        #expect(time.count == run.months)
        #expect(summary.firstYear == run.firstYear && summary.lastYear == run.lastYear)
        #expect(field.grid.nlat == run.grid.nlat && field.grid.nlon == run.grid.nlon)
        if dataset.sourceID == "BCC-CSM2-MR" { #expect(field.grid.kind == .gaussian) }
        if dataset.sourceID == "NorESM2-LM" { #expect(dataset.files.count > 1) }
        // Every decoded frame gets its forcing vector, in this model's calendar.
        let annual = try data.annual(.climateBench, experiment: dataset.experiment, from: run.firstYear, through: run.lastYear)
        let aligned = try ForcingAlignment.monthly(annual, axis: time)
        #expect(aligned.values.count == time.count * ForcingSet.climateBench.count)
        let yearly = try ForcingAlignment.aggregate(aligned, to: .year)
        #expect(yearly.time.count == run.lastYear - run.firstYear + 1)
    }
}

/// Thread-safe run store keyed by model/experiment/variant.
final class RunStore: @unchecked Sendable {
    private let lock = NSLock()
    private var runs: [String: ClimateSuiteRun] = [:]
    func put(_ run: ClimateSuiteRun) {
        lock.lock(); runs["\(run.model.sourceID)/\(run.experiment)/\(run.variantLabel)"] = run; lock.unlock()
    }
    func get(_ key: String) -> ClimateSuiteRun? { lock.lock(); defer { lock.unlock() }; return runs[key] }
}

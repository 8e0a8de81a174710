import Foundation
import Testing
import ClimateData

@Suite struct CMIP6CatalogTests {
    @Test func parsesFileNames() throws {
        let f = try CMIP6FileName(parsing: "/x/ta_Amon_CESM2-WACCM_historical_r1i1p1f1_gn_185001-201412.nc")
        #expect(f.variable == "ta" && f.table == "Amon" && f.sourceID == "CESM2-WACCM" && f.experiment == "historical")
        #expect(f.member == "r1i1p1f1" && f.grid == "gn" && f.start == "185001" && f.end == "201412")
        #expect(f.datasetID == "CESM2-WACCM.historical.r1i1p1f1.Amon.ta.gn")
        let fx = try CMIP6FileName(parsing: "areacella_fx_MPI-ESM1-2-LR_historical_r1i1p1f1_gn.nc")
        #expect(fx.start == nil)
        let clim = try CMIP6FileName(parsing: "tas_Amon_X_piControl_r1i1p1f1_gr1_185001-186912-clim.nc")
        #expect(clim.end == "186912")
        for bad in ["ta_Amon_CESM2_historical_r1i1p1f1.nc", "ta_Amon_CESM2_historical_r1i1p1f1_gn_1850-201412.nc",
                    "ta_Amon_CESM2_historical_r1i1p1f1_xx_185001-201412.nc", "readme.txt"] {
            #expect(throws: ClimateDataError.self) { try CMIP6FileName(parsing: bad) }
        }
    }

    /// Writes one monthly file of `tas` covering `years` into a DRS directory.
    static func writeFile(root: URL, source: String, version: String, years: ClosedRange<Int>, units: String = "days since 1850-01-01",
                          calendar: CFCalendar.Kind = .noLeap, dropMonths: Int = 0) throws {
        let dir = root.appendingPathComponent("CMIP/INST/\(source)/historical/r1i1p1f1/Amon/tas/gn/\(version)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var time = try TimeAxis.monthly(calendar: CFCalendar(calendar), units: CFTimeUnits(parsing: units), startYear: years.lowerBound, endYear: years.upperBound)
        if dropMonths > 0 {
            time.values = Array(time.values.dropFirst(dropMonths)); time.bounds = time.bounds.map { Array($0.dropFirst(2 * dropMonths)) }
        }
        let grid = try LatLonGrid.regular(nlon: 4, nlat: 2)
        let spec = CFFileSpec(variable: CFVariableSpec(name: "tas", units: "K"), grid: grid, time: time)
        let values = (0..<(time.count * grid.size)).map { Float(250 + $0 % 50) }
        let name = "tas_Amon_\(source)_historical_r1i1p1f1_gn_\(years.lowerBound)\(dropMonths > 0 ? String(format: "%02d", dropMonths + 1) : "01")-\(years.upperBound)12.nc"
        try CFWriter.write(path: dir.appendingPathComponent(name).path, spec: spec, values: values)
    }

    @Test func reportsGapsOverlapsAndDuplicateVersions() throws {
        let root = try TestSupport.scratch("drs")
        defer { try? FileManager.default.removeItem(at: root) }
        // GOOD: two files, different reference dates, contiguous.
        try Self.writeFile(root: root, source: "GOOD", version: "v20190101", years: 1990...1999, units: "days since 1990-01-01")
        try Self.writeFile(root: root, source: "GOOD", version: "v20190101", years: 2000...2009, units: "days since 2000-1-1 00:00")
        // GAP: 2000 missing.
        try Self.writeFile(root: root, source: "GAP", version: "v20190101", years: 1990...1999)
        try Self.writeFile(root: root, source: "GAP", version: "v20190101", years: 2001...2005)
        // OVERLAP: 1999 twice.
        try Self.writeFile(root: root, source: "OVERLAP", version: "v20190101", years: 1990...1999)
        try Self.writeFile(root: root, source: "OVERLAP", version: "v20190101", years: 1999...2005)
        // DUP: an old and a new version; only the new one is used.
        try Self.writeFile(root: root, source: "DUP", version: "v20180101", years: 1950...1959)
        try Self.writeFile(root: root, source: "DUP", version: "v20200101", years: 1990...1999)
        // MIXED: calendars differ between files: refused, never converted.
        try Self.writeFile(root: root, source: "MIXED", version: "v20190101", years: 1990...1999, calendar: .noLeap)
        try Self.writeFile(root: root, source: "MIXED", version: "v20190101", years: 2000...2009, calendar: .prolepticGregorian)
        try Data("x".utf8).write(to: root.appendingPathComponent("notes.nc"))

        let cat = try CMIP6Catalog(root: root.path)
        #expect(cat.datasets.map(\.sourceID) == ["DUP", "GAP", "GOOD", "MIXED", "OVERLAP"])
        #expect(cat.issues.contains { $0.kind == .unparsedName && $0.dataset.hasSuffix("notes.nc") })
        #expect(cat.issues.contains { $0.kind == .duplicateVersion && $0.message.contains("using v20200101") })
        func read(_ s: String) throws -> (CFField, [CMIP6Issue]) {
            let ds = try #require(cat.datasets.first { $0.sourceID == s })
            let r = try ds.read()
            return (r.field, r.issues)
        }
        let (good, goodIssues) = try read("GOOD")
        #expect(goodIssues.isEmpty && good.timeSteps == 240)
        #expect(try good.time?.dates()[120] == CFDateTime(year: 2000, month: 1, day: 16, hour: 12))
        let (_, gapIssues) = try read("GAP")
        #expect(gapIssues.count == 1 && gapIssues[0].kind == .gap && gapIssues[0].message.contains("365 days missing"))
        let (overlap, overlapIssues) = try read("OVERLAP")
        #expect(overlapIssues.contains { $0.kind == .overlap && $0.message.contains("repeats 12 time step(s)") })
        #expect(overlap.timeSteps == 192)
        let (dup, dupIssues) = try read("DUP")
        #expect(dup.timeSteps == 120 && dupIssues.contains { $0.kind == .duplicateVersion })
        let mixed = try #require(cat.datasets.first { $0.sourceID == "MIXED" })
        do { _ = try mixed.read(); Issue.record("mixed calendars should be refused") } catch {
            #expect(error.code == .mismatch && error.message.contains("never converted"))
        }
        // Selection by facets.
        let only = try CMIP6Catalog(root: root.path, selection: CMIP6Selection(sourceIDs: ["GOOD", "GAP"], tables: ["Amon"], variables: ["tas"]))
        #expect(only.datasets.map(\.sourceID) == ["GAP", "GOOD"])
        #expect(try CMIP6Catalog(root: root.path, selection: CMIP6Selection(tables: ["day"])).datasets.isEmpty)
    }

    @Test(.enabled(if: RealCMIP6Tests.available, "CMIP6 sample data not found (run make test-deps)"))

    func realDailyDataAggregateToCalendarMonths() throws {
        let cat = try CMIP6Catalog(root: TestSupport.cmip6Root.path, selection: CMIP6Selection(sourceIDs: ["CESM2", "MPI-ESM1-2-LR"], tables: ["day"]))
        #expect(cat.datasets.count == 2)
        for ds in cat.datasets {
            let (field, issues, summary) = try ds.read(options: CFReadOptions(level: VerticalSelection(value: 1000, units: "hPa")))
            #expect(issues.isEmpty, "\(issues)")
            let time = try #require(field.time)
            let months = try TimeAggregator(period: .month).frames(of: time).filter { $0.coverage > 0.999 }
            #expect(!months.isEmpty)
            for m in months {
                let d = time.calendar.dateTime(m.start)
                #expect(m.indices.count == time.calendar.daysInMonth(year: d.year, month: d.month), "\(summary.dataset) \(m.label)")
            }
            let means = TimeAggregator.mean(field.values, pointsPerStep: field.grid.size, frames: months)
            #expect(means.count == months.count * field.grid.size)
        }
    }
}

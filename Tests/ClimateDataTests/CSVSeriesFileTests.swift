import ClimateData
import Foundation
import Testing

/// Plain CSV series as extra conditioning channels.
@Suite struct CSVSeriesFileTests {
    @Test func yearlyAndMonthlySeriesAlignToFrames() throws {
        let yearly = try CSVSeriesFile(csv: "# GMT from a simple climate model\nyear,gmt,index\nunits,K,1\n2015,1.1,5\n2016,1.2,6\n2017,1.25,7\n",
                                       source: "gmt.csv")
        #expect(!yearly.isMonthly && yearly.columns.map(\.name) == ["gmt", "index"] && yearly.columns.map(\.units) == ["K", "1"])
        let monthly = try CSVSeriesFile(csv: "year,month,nino\nunits,,K\n" + (1...12).map { "2016,\($0),\(Double($0) / 10)" }.joined(separator: "\n"),
                                        source: "nino.csv")
        #expect(monthly.isMonthly)
        let axis = try TimeAxis.monthly(calendar: CFCalendar(cfName: "360_day"), units: CFTimeUnits(parsing: "days since 2000-01-01"),
                                        startYear: 2016, endYear: 2016)
        let annual = try RCMIPTestSupport.extract().annual(try ForcingSet(names: ["so2"]), experiment: "ssp245", from: 2016, through: 2016)
        var aligned = try ForcingAlignment.monthly(annual, axis: axis)
        aligned = try ForcingAlignment.addingSeries(aligned, file: yearly, column: "gmt")
        aligned = try ForcingAlignment.addingSeries(aligned, file: monthly, column: "nino")
        #expect(aligned.names == ["so2", "gmt", "nino"] && aligned.units.suffix(2) == ["K", "K"])
        let gmt = try aligned.series("gmt"), nino = try aligned.series("nino")
        #expect(gmt.allSatisfy { $0 == 1.2 })
        #expect(nino == (1...12).map { Float(Double($0) / 10) })
        // A frame outside the file's years is an error naming the file, the column and the date.
        let later = try TimeAxis.monthly(calendar: CFCalendar(cfName: "360_day"), units: CFTimeUnits(parsing: "days since 2000-01-01"),
                                         startYear: 2017, endYear: 2018)
        let lateAnnual = try RCMIPTestSupport.extract().annual(try ForcingSet(names: ["so2"]), experiment: "ssp245", from: 2017, through: 2018)
        let missing = #expect(throws: ForcingError.self) {
            try ForcingAlignment.addingSeries(try ForcingAlignment.monthly(lateAnnual, axis: later), file: yearly, column: "gmt")
        }
        #expect(missing?.message.contains("gmt.csv") == true && missing?.message.contains("'gmt'") == true && missing?.message.contains("2018") == true)
        #expect(throws: ForcingError.self) { try ForcingAlignment.addingSeries(aligned, file: yearly, column: "gmt") }  // already in the vector
    }

    @Test func malformedSeriesNameFileLineAndColumn() throws {
        func error(_ text: String) -> ForcingError? { #expect(throws: ForcingError.self) { try CSVSeriesFile(csv: text, source: "s.csv") } }
        #expect(error("gmt\nunits\n1\n")?.message.contains("no 'year' column") == true)
        #expect(error("year,gmt\n2015,1\n")?.message.contains("s.csv line 2") == true)  // no units row
        #expect(error("year,gmt\nunits,\n2015,1\n")?.message.contains("column 'gmt' has no unit") == true)
        let bad = error("year,gmt\nunits,K\n2015,warm\n")
        #expect(bad?.message.contains("s.csv line 3") == true && bad?.message.contains("'gmt'") == true)
        #expect(error("year,gmt\nunits,K\n2015,1\n2015,2\n")?.message.contains("repeats line 3") == true)
        #expect(error("year,month,gmt\nunits,,K\n2015,13,1\n")?.message.contains("month '13'") == true)
        #expect(throws: ForcingError.self) { try CSVSeriesFile(csv: "year,gmt\nunits,K\n2015,1\n", source: "s.csv").column("tas") }
    }
}

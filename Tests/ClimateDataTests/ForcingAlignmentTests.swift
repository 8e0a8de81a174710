import Foundation
import Testing
import ClimateData

private func axis(_ calendar: String, _ first: Int, _ last: Int, units: String = "days since 1850-01-01") throws -> TimeAxis {
    try TimeAxis.monthly(calendar: CFCalendar(cfName: calendar), units: CFTimeUnits(parsing: units), startYear: first, endYear: last)
}

@Test func monthlyAlignmentIn360DayAndNoleapCalendars() throws {
    let data = try RCMIPTestSupport.extract()
    let annual = try data.annual(.climateBench, experiment: "ssp245", from: 2013, through: 2016)
    for calendar in ["360_day", "noleap", "proleptic_gregorian"] {
        let a = try ForcingAlignment.monthly(annual, axis: axis(calendar, 2013, 2016))
        #expect(a.time.count == 48)
        #expect(a.names == ForcingSet.climateBench.names)
        let so2 = try a.series("so2"), co2 = try a.series("co2_cumulative")
        // Rates: the annual value in every month of its year.
        for t in 0..<48 { #expect(so2[t] == Float(try annual.value("so2", year: 2013 + t / 12))) }
        // Cumulative CO2 rises within the year and is continuous across the historical/scenario join.
        for t in 1..<48 { #expect(co2[t] > co2[t - 1]) }
        // Calendar-weighted yearly means equal the annual values (same weights as the fields).
        let yearly = try ForcingAlignment.aggregate(a, to: .year)
        #expect(yearly.time.count == 4)
        for y in 0..<4 {
            for (v, name) in a.names.enumerated() {
                let expected = try annual.value(name, year: 2013 + y)
                let got = Double(yearly.values[y * a.names.count + v])
                #expect(abs(got - expected) <= 1e-5 * max(1, abs(expected)), "\(calendar) \(name) \(2013 + y): \(got) vs \(expected)")
            }
        }
    }
    // In 360_day every month weighs the same: the January value of cumulative CO2 sits 5.5/12 of
    // the year's increment below the annual mean; in noleap January is 31/365 of the year.
    let inc = annual.increments[try #require(annual.names.firstIndex(of: "co2_cumulative"))] // 2013
    let mean = try annual.value("co2_cumulative", year: 2013)
    let jan360 = try ForcingAlignment.monthly(annual, axis: axis("360_day", 2013, 2016)).series("co2_cumulative")[0]
    let jan365 = try ForcingAlignment.monthly(annual, axis: axis("noleap", 2013, 2016)).series("co2_cumulative")[0]
    #expect(abs(Double(jan360) - (mean + inc * (15.0 / 360 - 0.5))) < 1e-3)
    #expect(abs(Double(jan365) - (mean + inc * (15.5 / 365 - 0.5))) < 1e-3)
    #expect(jan360 != jan365)
}

@Test func decadalAggregationUsesCalendarWeights() throws {
    let data = try RCMIPTestSupport.extract()
    let annual = try data.annual(.climateBench, experiment: "historical", from: 1850, through: 2014)
    let monthly = try ForcingAlignment.monthly(annual, axis: axis("365_day", 1850, 2014, units: "days since 0001-01-01 00:00:00"))
    let decadal = try ForcingAlignment.aggregate(monthly, to: .decade)
    #expect(decadal.time.count == 17) // 1850s … 2010s (2010–2014 partial)
    let ch4 = try decadal.series("ch4")
    let expected = try (1850...1859).map { try annual.value("ch4", year: $0) }.reduce(0, +) / 10
    #expect(abs(Double(ch4[0]) - expected) < 1e-4 * expected)
    let last = try (2010...2014).map { try annual.value("ch4", year: $0) }.reduce(0, +) / 5
    #expect(abs(Double(ch4[16]) - last) < 1e-4 * last)
    #expect(throws: ForcingError.self) { try ForcingAlignment.monthly(annual, axis: axis("365_day", 2014, 2015)) }
    // Aligning directly on (complete) decadal frames, whose bounds span ten years, equals
    // aggregating the monthly alignment.
    let complete = try TimeAxis(calendar: decadal.time.calendar, units: decadal.time.units,
                                values: Array(decadal.time.values[..<16]), bounds: decadal.time.bounds.map { Array($0[..<32]) })
    let direct = try ForcingAlignment.monthly(annual, axis: complete)
    #expect(direct.values.count == 16 * 5)
    #expect(zip(direct.values, decadal.values).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) })
}

@Test func griddedForcingMapsAlignAndAggregateWithTheVectors() throws {
    let data = try RCMIPTestSupport.extract()
    let annual = try data.annual(.climateBench, experiment: "ssp126", from: 2015, through: 2016)
    let a = try ForcingAlignment.monthly(annual, axis: axis("360_day", 2015, 2016))
    // Two annual 2x3 maps: 2015 all 1, 2016 all 3.
    let maps = [Float](repeating: 1, count: 6) + [Float](repeating: 3, count: 6)
    let g = try ForcingAlignment.addingAnnualMaps(a, name: "so2_map", units: "kg m-2 s-1", nlat: 2, nlon: 3,
                                                 firstYear: 2015, annualMaps: maps)
    #expect(g.maps.count == 1 && g.maps[0].values.count == 24 * 6)
    #expect(g.maps[0].values[11 * 6] == 1 && g.maps[0].values[12 * 6] == 3)
    let yearly = try ForcingAlignment.aggregate(g, to: .year)
    #expect(yearly.maps[0].values == [Float](repeating: 1, count: 6) + [Float](repeating: 3, count: 6))
    #expect(throws: ForcingError.self) {
        try ForcingAlignment.addingAnnualMaps(a, name: "bad", units: "1", nlat: 2, nlon: 3, firstYear: 2015, annualMaps: [1, 2])
    }
}

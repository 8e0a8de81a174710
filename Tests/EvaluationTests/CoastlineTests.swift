import Evaluation
import Testing

/// Natural Earth's coastline as the renderer gets it: the extract parses whole, and wrapping it onto a map's
/// longitude window keeps every point inside the window without a line across the map.
@Suite struct CoastlineTests {
    @Test func naturalEarthExtractParsesWhole() {
        let coast = Coastline.naturalEarth110m
        #expect(coast.polylines.count >= 250)
        let points = coast.polylines.flatMap { $0 }
        #expect(points.count >= 5000)
        #expect(points.allSatisfy { abs($0.lon) <= 180 && abs($0.lat) <= 90 })
        // The Arctic coasts reach past 83°N and Antarctica's past 85°S; no cut edge along the South Pole remains.
        #expect((points.map(\.lat).max() ?? 0) > 83 && (points.map(\.lat).min() ?? 0) < -85)
        #expect(!points.contains { $0.lat <= -89.9 })
    }

    @Test func malformedPairsAndShortLinesAreDropped() {
        let coast = Coastline(tenthsOfDegree: "10,20 30,40 x,1 50,60\n5,5\n\n-1800,0 1800,0")
        #expect(coast.polylines.count == 2)
        #expect(coast.polylines[0].map(\.lon) == [1, 3, 5] && coast.polylines[0].map(\.lat) == [2, 4, 6])
    }

    @Test(arguments: [0.0, -180.0, 5.625, -20.0])
    func wrappingKeepsEveryPointInTheWindow(west: Double) {
        let lines = Coastline.naturalEarth110m.wrapped(west: west)
        #expect(lines.allSatisfy { $0.count > 1 })
        #expect(lines.allSatisfy { line in line.allSatisfy { $0.lon >= west && $0.lon < west + 360 } })
        #expect(lines.allSatisfy { line in zip(line, line.dropFirst()).allSatisfy { abs($0.lon - $1.lon) <= 180 } })
        // Splitting at the window's edge loses at most a few isolated points at the seam.
        #expect(lines.reduce(0) { $0 + $1.count } >= Coastline.naturalEarth110m.polylines.reduce(0) { $0 + $1.count } - 40)
    }
}

import Foundation
import Testing
import ClimateData

@Suite struct RegridTests {
    /// The io-notes §3 benchmark source grid: 96x144, lat ±89.0625, lon 1.25…358.75.
    static func source96x144() throws -> LatLonGrid {
        try LatLonGrid(lat: (0..<96).map { -89.0625 + 1.875 * Double($0) }, lon: (0..<144).map { 1.25 + 2.5 * Double($0) })
    }

    static func areaMean(_ v: ArraySlice<Float>, _ g: LatLonGrid) -> Double {
        let a = g.cellAreas
        var num = 0.0, den = 0.0
        for (k, x) in v.enumerated() where !x.isNaN { num += a[k] * Double(x); den += a[k] }
        return num / den
    }

    @Test func conservativeWeightsRowsSumToOneAndConserveMean() throws {
        let src = try Self.source96x144(), dst = try LatLonGrid.named("r72x36")
        #expect(src.kind == .regular && dst.nlat == 36 && dst.nlon == 72 && dst.lon[1] == 5 && dst.lat[0] == -87.5)
        let w = try RegridWeights.compute(from: src, to: dst, method: .conservative)
        for d in 0..<dst.size {
            let s = w.weights[w.rowStart[d]..<w.rowStart[d + 1]].reduce(0, +)
            #expect(abs(s - 1) < 1e-12)
        }
        let steps = 6
        let x = SyntheticField.temperature(grid: src, steps: steps)
        let y2 = try w.apply(x, steps: steps, threads: 2)
        let y1 = try w.apply(x, steps: steps, threads: 1)
        #expect(y1 == y2)  // deterministic whatever the thread count
        for s in 0..<steps {
            let a = Self.areaMean(x[(s * src.size)..<((s + 1) * src.size)], src)
            let b = Self.areaMean(y1[(s * dst.size)..<((s + 1) * dst.size)], dst)
            #expect(abs(a - b) / a < 1e-6, "step \(s): \(a) vs \(b)")
        }
    }

    @Test func maskedSourceCellsAreRenormalised() throws {
        let src = try LatLonGrid.regular(nlon: 8, nlat: 4)
        // Destination cells of 90°x90° aligned with pairs of 45° source cells.
        let dst = try LatLonGrid(lat: [-45, 45], lon: [22.5, 112.5, 202.5, 292.5])
        let w = try RegridWeights.compute(from: src, to: dst, method: .conservative)
        var x = [Float](repeating: 280, count: src.size)
        x[0] = 300; x[1] = .nan            // dst cell 0 covers src (0,0),(0,1),(1,0),(1,1)
        x[8] = 270; x[9] = 290
        for k in [2, 3, 10, 11] { x[k] = .nan }  // dst cell 1 fully masked
        let y = try w.apply(x, steps: 1)
        // Rows 0 and 1 of the source have different areas: weight by sin-lat overlap.
        let a0 = sin(-45.0 * .pi / 180) - sin(-90.0 * .pi / 180), a1 = sin(0.0) - sin(-45.0 * .pi / 180)
        let expected = (300 * a0 + (270 + 290) * a1) / (a0 + 2 * a1)
        #expect(abs(Double(y[0]) - expected) < 1e-4)
        #expect(y[1].isNaN)
        #expect(y[2] == 280)
    }

    /// Parity with `cdo remapcon` / `remapbil` on the same files (1e-4 K), for a regular source
    /// with bounds and a Gaussian source without bounds.
    @Test(.enabled(if: TestSupport.has("cdo"), "cdo not installed (make test-deps installs it)"), arguments: ["regular", "gaussian"])
    func matchesCdo(sourceKind: String) throws {
        let dir = try TestSupport.scratch("regrid-\(sourceKind)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.nc").path
        let src = sourceKind == "regular" ? try Self.source96x144() : try LatLonGrid.gaussian(nlon: 192, nlat: 96)
        #expect(sourceKind == "regular" ? src.kind == .regular : src.kind == .gaussian)
        try SyntheticField.writeFile(path: input, grid: src, steps: 12, withGridBounds: sourceKind == "regular")
        for (method, op) in [(RegridMethod.conservative, "remapcon"), (.bilinear, "remapbil")] {
            for target in ["r72x36", "r180x90"] {
                let ours = dir.appendingPathComponent("ours-\(op)-\(target).nc").path
                let theirs = dir.appendingPathComponent("cdo-\(op)-\(target).nc").path
                try FileRegridder(destination: LatLonGrid.named(target), method: method, threads: 2).regrid(input: input, output: ours)
                _ = try TestSupport.run("cdo", ["-s", "\(op),\(target)", input, theirs])
                let a = try CFReader(path: ours).read("tas"), b = try CFReader(path: theirs).read("tas")
                #expect(a.grid.lat == b.grid.lat && a.grid.lon == b.grid.lon)
                #expect(a.values.count == b.values.count)
                var maxDiff: Float = 0
                for (x, y) in zip(a.values, b.values) { maxDiff = max(maxDiff, abs(x - y)) }
                #expect(maxDiff <= 1e-4, "\(sourceKind) \(op) \(target): max |spfflow - cdo| = \(maxDiff) K")
                if method == .conservative {
                    let input = try CFReader(path: input).read("tas")
                    for s in 0..<12 {
                        let m0 = Self.areaMean(input.values[(s * src.size)..<((s + 1) * src.size)], src)
                        let m1 = Self.areaMean(a.values[(s * a.grid.size)..<((s + 1) * a.grid.size)], a.grid)
                        #expect(abs(m0 - m1) / m0 < 1e-6)
                    }
                }
            }
        }
    }

    @Test func gridNamesAndGaussianDetection() throws {
        let n48 = try LatLonGrid.named("n48")
        #expect(n48.kind == .gaussian && n48.nlat == 96 && n48.nlon == 192)
        // F48 latitudes from io-notes §3.
        #expect(abs(n48.lat[95] - 88.57216851) < 1e-7 && abs(n48.lat[94] - 86.72253095) < 1e-7)
        #expect(abs(n48.latBounds[0] + 90) < 1e-12 && abs(n48.latBounds[191] - 90) < 1e-12)
        #expect(throws: ClimateDataError.self) { try LatLonGrid.named("t42x") }
    }
}

/// Parity with CDO on real CMIP6 sample files (regional 2-3 point subsets near the pole, with and
/// without bounds, Gaussian and regular), where CDO and spfflow both have a value.
@Suite struct RealFileRegridTests {
    @Test(.enabled(if: RealCMIP6Tests.available, "CMIP6 sample data not found (run make test-deps)"), .enabled(if: TestSupport.has("cdo"), "cdo not installed (make test-deps installs it)"))
    func matchesCdoOnRealFiles() throws {
        let dir = try TestSupport.scratch("real-regrid")
        defer { try? FileManager.default.removeItem(at: dir) }
        let catalog = try RealCMIP6Tests.amonCatalog()
        var compared = 0
        for model in ["IPSL-CM6A-LR", "NorESM2-LM", "CanESM5", "MPI-ESM1-2-LR"] {
            let ds = try #require(catalog.datasets.first { $0.sourceID == model })
            let file = ds.files[0].path
            let level = dir.appendingPathComponent("\(model)-level.nc").path
            _ = try TestSupport.run("cdo", ["-s", "sellevel,100000", file, level])
            for (method, op) in [(RegridMethod.conservative, "remapcon"), (.bilinear, "remapbil")] {
                let theirsPath = dir.appendingPathComponent("\(model)-\(op).nc").path
                _ = try TestSupport.run("cdo", ["-s", "\(op),r72x36", level, theirsPath])
                let field = try CFReader(path: file).read("ta", options: CFReadOptions(level: VerticalSelection(value: 1000, units: "hPa")))
                let w = try RegridWeights.compute(from: field.grid, to: LatLonGrid.named("r72x36"), method: method)
                let ours = try w.apply(field.values, steps: field.timeSteps)
                // CDO output has no fill attribute here; its missing cells read as NaN or as the float default fill.
                let theirs = try CFReader(path: theirsPath).read("ta", options: CFReadOptions(level: VerticalSelection(value: 1000, units: "hPa")))
                #expect(theirs.values.count == ours.count)
                var both = 0, onlyOurs = 0, onlyTheirs = 0
                var maxDiff: Float = 0
                for (a, b) in zip(ours, theirs.values) {
                    switch (a.isNaN, b.isNaN) {
                    case (false, false): both += 1; maxDiff = max(maxDiff, abs(a - b))
                    case (false, true): onlyOurs += 1
                    case (true, false): onlyTheirs += 1
                    default: break
                    }
                }
                #expect(maxDiff <= 1e-4, "\(model) \(op): max diff \(maxDiff)")
                #expect(onlyTheirs == 0, "\(model) \(op): \(onlyTheirs) cells only CDO fills")
                #expect(onlyOurs == 0, "\(model) \(op): \(onlyOurs) cells only spfflow fills")
                compared += both
            }
        }
        #expect(compared > 1000)
    }
}

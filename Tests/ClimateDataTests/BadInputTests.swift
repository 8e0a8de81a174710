import ClimateData
import Foundation
import Testing

/// Bad netCDF input gives a clear error naming the file and the variable, never a trap: the odd files
/// `scripts/fuzz_seeds.py` writes (the CF fuzzer's seeds, by netCDF4-python) read and checked the way
/// `climate.curate` does (``CFReader`` then ``CFFieldCheck``).
@Suite struct BadInputTests {
    static func seeds() throws -> URL {
        let dir = try TestSupport.scratch("bad-input")
        _ = try TestSupport.run(TestSupport.python, [TestSupport.repoRoot.appendingPathComponent("scripts/fuzz_seeds.py").path, dir.path])
        return dir
    }

    /// Reads `tas` and checks it as curation does.
    static func curate(_ path: String) throws(ClimateDataError) -> CFField {
        let reader = try CFReader(path: path)
        let field = try reader.read("tas")
        try CFFieldCheck.validate(field, reader: reader)
        return field
    }

    @Test func goodOddFilesAreAccepted() throws {
        let dir = try Self.seeds()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["seed-360day.nc", "seed-classic-hours.nc", "seed-64bit-offset.nc"] {
            let field = try Self.curate(dir.appendingPathComponent(name).path)
            #expect(field.values.allSatisfy { $0 == 280 }, "\(name)")
        }
    }

    @Test(arguments: [
        ("seed-nan-inf.nc", "infinite"),
        ("seed-all-fill.nc", "every one of its 96 values is missing"),
        ("seed-duplicate-times.nc", "repeats the stamp"),
        ("seed-decreasing-times.nc", "time decreases at step 1"),
        ("seed-zero-length.nc", "no time steps"),
        ("seed-no-units.nc", "has no units attribute"),
        ("seed-wrong-units.nc", "units 'furlongs' are not K"),
    ])
    func badFilesGiveErrorsNamingFileAndVariable(name: String, needle: String) throws {
        let dir = try Self.seeds()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(name).path
        do {
            _ = try Self.curate(path)
            Issue.record("\(name) was accepted")
        } catch {
            #expect(error.file == path, "\(name): \(error)")
            #expect(error.variable == "tas", "\(name): \(error)")
            #expect(error.message.contains(needle), "\(name): '\(error.message)' does not say '\(needle)'")
            #expect("\(error)".contains(name) && "\(error)".contains("tas"), "the error text names neither file nor variable: \(error)")
        }
    }

    /// NaN alone (no infinite values): refused unless a fill value declares it.
    @Test func undeclaredNaNIsRefused() throws {
        let dir = try TestSupport.scratch("bad-input-nan")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("nan.nc").path
        let script = """
        import sys, numpy as np, netCDF4
        with netCDF4.Dataset(sys.argv[1], "w") as ds:
            ds.createDimension("time", 2); ds.createDimension("lat", 2); ds.createDimension("lon", 4)
            t = ds.createVariable("time", "f8", ("time",)); t.units = "days since 2000-01-01"; t.calendar = "noleap"; t[:] = [0, 31]
            la = ds.createVariable("lat", "f8", ("lat",)); la.units = "degrees_north"; la[:] = [-45, 45]
            lo = ds.createVariable("lon", "f8", ("lon",)); lo.units = "degrees_east"; lo[:] = [0, 90, 180, 270]
            v = ds.createVariable("tas", "f4", ("time", "lat", "lon")); v.units = "K"
            d = np.full((2, 2, 4), 280, "f4"); d[1, 1, 1] = np.nan; v[:] = d
        """
        _ = try TestSupport.run(TestSupport.python, ["-c", script, path])
        #expect(throws: ClimateDataError.self) { _ = try Self.curate(path) }
        do { _ = try Self.curate(path) } catch { #expect(error.message.contains("1 value(s) are NaN") && error.file == path) }
    }

    /// Found by `make fuzz`: a corrupt header declaring an attribute of billions of values made the
    /// reader allocate them (gigabytes) before netCDF refused to read them. Now an error naming the file.
    @Test func attributeLongerThanTheFileIsAnError() throws {
        let path = TestSupport.repoRoot.appendingPathComponent("Tests/ClimateDataTests/FuzzInputs/attribute-of-billions-of-values.nc").path
        do {
            _ = try NetCDFFile(path: path)
            Issue.record("the corrupt file opened")
        } catch {
            #expect(error.file == path, "\(error)")
            #expect(error.code == .malformed && error.message.contains("the file is corrupt"), "\(error)")
        }
    }
}

import ClimateData
import Foundation
import Pipelines
import SPFEngine
import Testing

/// `spf.export` in every layout on `Manifests/smoke.yaml`'s products, through the built binary (SPFFLOW_BIN), checked
/// by the tools the CMIP community reads files with (`make test` installs them; a missing one fails the test):
/// cfchecks (PyPI cfchecker) on every exported file of every layout, CMIP6's DRS tree and file names, ncdump,
/// xarray, CDO (`sinfo`, `fldmean`, `fldsum`), the intake-esm catalogue loaded as one dataset with `member_id` as a
/// dimension, one file read back bit for bit against its product, and a forced re-export that differs only in
/// `creation_date`.
@Suite(.serialized) struct CMIPExportTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var python: String { ProcessInfo.processInfo.environment["SPFFLOW_PYTHON"] ?? "python3" }
    static let exportParams = "params: {calendars: {CESM2: noleap, MRI-ESM2-0: proleptic_gregorian}}"
    static let version = "v20260315"

    /// smoke.yaml plus a time-first export and a CMIP export of the monthly and yearly products, published to `publish`.
    static func manifest(publish: URL) throws -> String {
        let smoke = try String(contentsOf: repoRoot.appendingPathComponent("Manifests/smoke.yaml"), encoding: .utf8)
        #expect(smoke.contains(exportParams), "smoke.yaml's export params changed")
        return smoke + """

          - id: export-time-first
            kind: spf.export
            inputs: {products: "merge-monthly-${esm}"}
            params: {calendars: {CESM2: noleap, MRI-ESM2-0: proleptic_gregorian}, layout: time-first}
          - id: export-cmip
            kind: spf.export
            inputs: {products: ["merge-monthly-${esm}", "merge-yearly-${esm}"]}
            params: {calendars: {CESM2: noleap, MRI-ESM2-0: proleptic_gregorian}, layout: cmip, version: \(version),
                     publish_dir: "\(publish.path)"}

        """
    }

    static func export(_ session: EngineSession, _ id: String) throws -> URL {
        try #require(try SmokeManifestTests.object(session, node: id).filesDirectory)
    }

    /// Runs `script` with the test Python; returns its output (the test fails on a non-zero exit).
    static func py(_ script: String, _ arguments: [String]) throws -> String {
        let r = try SmokeManifestTests.run("/usr/bin/env", [python, "-c", script] + arguments)
        #expect(r.status == 0, "python failed:\n\(r.output.suffix(3000))")
        return r.output
    }

    /// `(errors, warnings)` of cfchecks on `file`, with the standard-name table `make test` unpacks and empty area-type
    /// and region tables (the exports use neither area_type nor region names).
    static func cfchecks(_ file: URL, tables: URL) throws -> (errors: Int, warnings: Int, output: String) {
        let r = try SmokeManifestTests.run("/usr/bin/env", [python, "-m", "cfchecker.cfchecks", "-s", tables.appendingPathComponent("cf-standard-name-table.xml").path,
                                                            "-a", tables.appendingPathComponent("area-type-table.xml").path,
                                                            "-r", tables.appendingPathComponent("region-list.xml").path, file.path])
        func count(_ label: String) -> Int {
            r.output.split(separator: "\n").first { $0.hasPrefix(label) }.flatMap { Int($0.dropFirst(label.count).trimmingCharacters(in: .whitespaces)) } ?? -1
        }
        return (count("ERRORS detected:"), count("WARNINGS given:"), r.output)
    }

    /// The standard-name table (from SPFFLOW_TESTDATA) beside minimal area-type and region tables, in `directory`.
    static func cfTables(in directory: URL) throws -> URL {
        let testdata = ProcessInfo.processInfo.environment["SPFFLOW_TESTDATA"] ?? repoRoot.appendingPathComponent(".testdata").path
        let table = URL(fileURLWithPath: testdata).appendingPathComponent("cf-tables/cf-standard-name-table.xml")
        try #require(FileManager.default.fileExists(atPath: table.path),
                     "no CF standard-name table at \(table.path): run `make test-deps` (scripts/ensure-python.sh unpacks it)")
        let dir = directory.appendingPathComponent("cf-tables")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: table, to: dir.appendingPathComponent("cf-standard-name-table.xml"))
        try "<?xml version=\"1.0\"?>\n<area_type_table><version_number>0</version_number><date>none</date></area_type_table>\n"
            .write(to: dir.appendingPathComponent("area-type-table.xml"), atomically: true, encoding: .utf8)
        try "<?xml version=\"1.0\"?>\n<standardized_region_list><version_number>0</version_number><date>none</date></standardized_region_list>\n"
            .write(to: dir.appendingPathComponent("region-list.xml"), atomically: true, encoding: .utf8)
        return dir
    }

    /// Paths of the files under `root`, relative to it.
    static func relativeFiles(_ root: URL, suffix: String) -> [String] {
        let base = root.standardizedFileURL.resolvingSymlinksInPath().path + "/"
        return SmokeManifestTests.files(under: root, suffix: suffix).map { $0.standardizedFileURL.resolvingSymlinksInPath().path }
            .map { $0.hasPrefix(base) ? String($0.dropFirst(base.count)) : $0 }.sorted()
    }

    @Test(.timeLimit(.minutes(10))) func everyLayoutPassesCFChecksAndTheCMIPLayoutReadsEverywhere() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("spfflow-cmip-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        let publish = dir.appendingPathComponent("publish")
        let manifest = dir.appendingPathComponent("smoke-layouts.yaml")
        try Self.manifest(publish: publish).write(to: manifest, atomically: true, encoding: .utf8)
        let cache = dir.appendingPathComponent("cache")
        let first = try SmokeManifestTests.run(SmokeManifestTests.binary(), ["run", manifest.path, "--cache", cache.path, "--progress", "none"])
        try #require(first.status == 0, "run failed:\n\(first.output.suffix(4000))")
        let session = try EngineSession(manifestPath: manifest.path, cacheOverride: cache.path, registry: NodeKindRegistry.registry,
                                        cleanLeftovers: false)
        let cmipRoot = try Self.export(session, "export-cmip")

        // The CMIP layout: CMIP6's DRS, one file per variable and member (r1..r4), Amon for the monthly product and Ayr
        // for the yearly one, an areacella fx file per ESM, and the intake-esm catalogue beside the tree.
        var expected: [String] = []
        for esm in ["CESM2", "MRI-ESM2-0"] {
            let base = "CMIP6/ScenarioMIP/spfflow/SPF-\(esm)/ssp245"
            for member in 1...4 {
                for variable in ["tas", "pr"] {
                    for (table, range) in [("Amon", "209101-209112"), ("Ayr", "2085-2094")] {
                        expected.append("\(base)/r\(member)i1p1f1/\(table)/\(variable)/gr/\(Self.version)/"
                                        + "\(variable)_\(table)_SPF-\(esm)_ssp245_r\(member)i1p1f1_gr_\(range).nc")
                    }
                }
            }
            expected.append("\(base)/r1i1p1f1/fx/areacella/gr/\(Self.version)/areacella_fx_SPF-\(esm)_ssp245_r1i1p1f1_gr.nc")
        }
        let cmipFiles = Self.relativeFiles(cmipRoot, suffix: ".nc")
        #expect(cmipFiles == expected.sorted(), "\(cmipFiles)")
        for path in cmipFiles {
            // The file name parses as CMIP6's and agrees with its directories.
            let name = try CMIP6FileName(parsing: path)
            let dirs = path.split(separator: "/").map(String.init)
            #expect(dirs.count == 11 && [dirs[3], dirs[5], dirs[6], dirs[7], dirs[8]] == [name.sourceID, name.member, name.table, name.variable, name.grid],
                    "\(path)")
        }
        #expect(Set(try fm.contentsOfDirectory(atPath: cmipRoot.path)) == ["CMIP6", "catalog.csv", "catalog.json"])

        // cfchecks: zero errors on every file of every layout.
        let tables = try Self.cfTables(in: dir)
        let layouts = [("member-first", try Self.export(session, "export")), ("time-first", try Self.export(session, "export-time-first")),
                       ("cmip", cmipRoot)]
        var summary: [String] = []
        for (layout, root) in layouts {
            let files = SmokeManifestTests.files(under: root, suffix: ".nc")
            #expect(files.count == (layout == "cmip" ? 34 : 2), "\(layout): \(files.map(\.lastPathComponent))")
            var errors = 0, warnings = 0
            for file in files {
                let result = try Self.cfchecks(file, tables: tables)
                #expect(result.errors == 0 && result.warnings >= 0, "cfchecks \(layout) \(file.lastPathComponent):\n\(result.output.suffix(3000))")
                errors += max(result.errors, 0); warnings += max(result.warnings, 0)
            }
            summary.append("cfchecks \(layout): \(files.count) files, \(errors) errors, \(warnings) warnings")
        }
        print(summary.joined(separator: "\n"))

        // ncdump: single precision on (time, lat, lon), one time step per chunk, deflate, CMIP6 metadata.
        let tasFile = cmipRoot.appendingPathComponent(expected.first { $0.contains("tas_Amon_SPF-CESM2_ssp245_r3i1p1f1") } ?? "")
        let header = try SmokeManifestTests.run("/usr/bin/ncdump", ["-hs", tasFile.path])
        #expect(header.status == 0, "\(header.output)")
        for line in ["float tas(time, lat, lon) ;", "height:axis = \"Z\" ;", "height:long_name = \"height\" ;", "tas:standard_name = \"air_temperature\" ;", "tas:units = \"K\" ;",
                     "tas:cell_methods = \"area: time: mean\" ;", "tas:cell_measures = \"area: areacella\" ;", "tas:_ChunkSizes = 1, 8, 16 ;",
                     "tas:_DeflateLevel = 4 ;", "tas:_Shuffle = \"true\" ;", ":variant_label = \"r3i1p1f1\" ;", ":realization_index = 3 ;",
                     ":antithetic_partner = \"r4i1p1f1\" ;", ":table_id = \"Amon\" ;", ":frequency = \"mon\" ;", ":grid_label = \"gr\" ;",
                     ":source_id = \"SPF-CESM2\" ;", ":external_variables = \"areacella\" ;", ":spfflow_product_node = \"merge-monthly-CESM2\" ;",
                     ":spfflow_seed = \"7\" ;", ":activity_id = \"ScenarioMIP\" ;", ":experiment_id = \"ssp245\" ;", ":mip_era = \"CMIP6\" ;"] {
            #expect(header.output.contains(line), "ncdump -h lacks \(line)")
        }

        // xarray: every CMIP file, the CMOR attributes present, one unique tracking_id each (hdl:21.14100/<UUID v8>).
        let attrScript = """
        import sys, re, xarray as xr
        required = ["activity_id", "experiment_id", "source_id", "variant_label", "frequency", "table_id", "realm", "grid", "grid_label",
                    "nominal_resolution", "institution", "institution_id", "license", "tracking_id", "creation_date", "further_info_url",
                    "mip_era", "variable_id", "spfflow_product_key", "spfflow_model_key", "spfflow_seed", "spfflow_export_node",
                    "ensemble_design"]
        ids = set()
        for path in sys.argv[1:]:
            with xr.open_dataset(path) as ds:
                v = ds.attrs["variable_id"]
                missing = [a for a in required if not str(ds.attrs.get(a, "")) and not (v == "areacella" and a == "ensemble_design")]
                assert not missing, (path, missing)
                assert re.fullmatch(r"hdl:21\\.14100/[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", ds.attrs["tracking_id"]), ds.attrs["tracking_id"]
                ids.add(ds.attrs["tracking_id"])
                assert ds[v].dtype == "float32", ds[v].dtype
                print("|".join([path.rsplit("/", 1)[-1], v, ",".join(ds[v].dims), ",".join(str(n) for n in ds[v].shape), ds.attrs["frequency"], ds[v].attrs.get("cell_measures", "-")]))
        assert len(ids) == len(sys.argv) - 1, "tracking_id not unique"
        """
        let described = try Self.py(attrScript, cmipFiles.map { cmipRoot.appendingPathComponent($0).path })
            .split(separator: "\n").filter { $0.hasSuffix("|area: areacella") || $0.hasSuffix("|-") }
        #expect(described.count == 34, "\(described)")
        for line in described {
            let f = line.split(separator: "|")
            guard f.count == 6 else { Issue.record("\(line)"); continue }
            switch f[1] {
            case "areacella": #expect(f[2] == "lat,lon" && f[3] == "8,16" && f[4] == "fx", "\(line)")
            default:
                #expect(f[2] == "time,lat,lon" && f[5] == "area: areacella", "\(line)")
                #expect(f[0].contains("_Amon_") ? (f[3] == "12,8,16" && f[4] == "mon") : (f[3] == "10,8,16" && f[4] == "yr"), "\(line)")
            }
        }

        // CDO reads the CMIP files as they are: a 16x8 grid with 12 steps, global means in a plausible range, and the cell
        // areas sum to the sphere's.
        let sinfo = try SmokeManifestTests.run("/usr/bin/cdo", ["-s", "sinfo", tasFile.path])
        #expect(sinfo.status == 0 && sinfo.output.contains("points=128 (16x8)") && sinfo.output.contains("12 steps"), "cdo sinfo: \(sinfo.output)")
        let fldmean = try SmokeManifestTests.run("/usr/bin/cdo", ["-s", "outputf,%.6g", "-fldmean", tasFile.path])
        let means = fldmean.output.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        #expect(fldmean.status == 0 && means.count == 12 && means.allSatisfy { $0 > 250 && $0 < 320 }, "cdo fldmean: \(fldmean.output)")
        let areaFile = cmipRoot.appendingPathComponent(expected.first { $0.hasSuffix("areacella_fx_SPF-CESM2_ssp245_r1i1p1f1_gr.nc") } ?? "")
        let fldsum = try SmokeManifestTests.run("/usr/bin/cdo", ["-s", "outputf,%.8g", "-fldsum", areaFile.path])
        let total = Double(fldsum.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(abs(total / (4 * Double.pi * 6_371_000 * 6_371_000) - 1) < 1e-5, "cdo fldsum areacella: \(fldsum.output)")

        // One file read back bit for bit: r3i1p1f1 is row 2 of the monthly CESM2 product.
        let product = try SmokeManifestTests.object(session, node: "merge-monthly-CESM2")
        let row = try product.readFloats("tas", rows: 2..<3).values
        let raw = dir.appendingPathComponent("tas-r3.f32")
        _ = try Self.py("import sys, netCDF4, numpy as np\nd = netCDF4.Dataset(sys.argv[1]); v = d['tas']; v.set_auto_maskandscale(False)\n"
                        + "open(sys.argv[2], 'wb').write(np.ascontiguousarray(v[:], dtype='<f4').tobytes())", [tasFile.path, raw.path])
        let bytes = try Data(contentsOf: raw)
        let read: [UInt32] = bytes.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
        #expect(read.count == 12 * 8 * 16 && read == row.map(\.bitPattern), "the file's tas differs from the product's row 2")

        // The publication: the same tree with summary.json and an intake-esm catalogue naming the published files.
        let latest = publish.appendingPathComponent("latest")
        #expect(Self.relativeFiles(latest.resolvingSymlinksInPath(), suffix: ".nc") == expected.sorted())
        for name in ["summary.json", "catalog.json", "catalog.csv"] { #expect(fm.fileExists(atPath: latest.appendingPathComponent(name).path), "\(name)") }
        #expect(fm.fileExists(atPath: publish.appendingPathComponent("summary.json").path))
        let csv = try String(contentsOf: latest.appendingPathComponent("catalog.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 35 && csv.first?.hasPrefix("path,mip_era,activity_id,institution_id,source_id,experiment_id,member_id,table_id,"
                                                        + "variable_id,grid_label,version,frequency") == true, "\(csv.prefix(2))")

        // intake-esm: one ESM's and one scenario's members as one dataset, member_id a dimension (join_new), tas and pr joined.
        let intake = """
        import sys, warnings
        warnings.simplefilter("ignore")
        import intake
        cat = intake.open_esm_datastore(sys.argv[1])
        for table in ("Amon", "Ayr"):
            sub = cat.search(source_id="SPF-CESM2", experiment_id="ssp245", table_id=table)
            # threaded=False: intake-esm's thread pool opens the files concurrently, and netCDF-C/HDF5 are not thread-safe
            # ("NetCDF: HDF error" at random), whatever wrote the files.
            dsets = sub.to_dataset_dict(progressbar=False, threaded=False)
            assert len(dsets) == 1, list(dsets)
            ds = next(iter(dsets.values()))
            print(table, " ".join(f"{k}={v}" for k, v in ds.sizes.items()), ",".join(sorted(ds.data_vars)), ",".join(map(str, ds.member_id.values)),
                  ",".join(ds["tas"].dims))
            if table == "Amon":
                print(ds)
        """
        let loaded = try Self.py(intake, [latest.appendingPathComponent("catalog.json").path])
        print(loaded)
        let lines = loaded.split(separator: "\n").filter { $0.hasPrefix("Amon ") || $0.hasPrefix("Ayr ") }.map(String.init)
        #expect(lines == ["Amon member_id=4 time=12 lat=8 lon=16 bnds=2 pr,tas r1i1p1f1,r2i1p1f1,r3i1p1f1,r4i1p1f1 member_id,time,lat,lon",
                          "Ayr member_id=4 time=10 lat=8 lon=16 bnds=2 pr,tas r1i1p1f1,r2i1p1f1,r3i1p1f1,r4i1p1f1 member_id,time,lat,lon"],
                "\(loaded.suffix(3000))")

        // Deterministic: a forced re-export writes the same bytes but for creation_date (tracking_id is content-derived).
        let before = dir.appendingPathComponent("before")
        try fm.copyItem(at: cmipRoot, to: before)
        Thread.sleep(forTimeInterval: 1.1)
        let again = try SmokeManifestTests.run(SmokeManifestTests.binary(),
                                               ["run", manifest.path, "--cache", cache.path, "--progress", "none", "--force", "export-cmip"])
        try #require(again.status == 0, "\(again.output.suffix(3000))")
        #expect(Self.relativeFiles(cmipRoot, suffix: ".nc") == cmipFiles)
        // Every variable's stored bytes and every attribute are equal; only the global creation_date differs (the HDF5
        // checksums over it aside, the files are the same size and layout).
        let compare = """
        import sys, netCDF4, numpy as np
        def contents(path):
            d = netCDF4.Dataset(path); d.set_auto_maskandscale(False)
            out = {"global": {k: str(d.getncattr(k)) for k in d.ncattrs() if k != "creation_date"},
                   "creation_date": d.getncattr("creation_date")}
            for name, v in d.variables.items():
                out[name] = (v.dtype.str, v.dimensions, v.chunking(), v.filters(), {k: str(v.getncattr(k)) for k in v.ncattrs()},
                             np.ascontiguousarray(v[:]).tobytes())
            d.close()
            return out
        same = 0
        for a, b in zip(sys.argv[1::2], sys.argv[2::2]):
            x, y = contents(a), contents(b)
            assert x.pop("creation_date") != y.pop("creation_date"), a
            assert x == y, a
            same += 1
        print("identical but creation_date:", same)
        """
        let pairs = cmipFiles.flatMap { [before.appendingPathComponent($0).path, cmipRoot.appendingPathComponent($0).path] }
        #expect(try Self.py(compare, pairs).contains("identical but creation_date: 34"))
        for path in cmipFiles {
            let a = try Data(contentsOf: before.appendingPathComponent(path)), b = try Data(contentsOf: cmipRoot.appendingPathComponent(path))
            #expect(a.count == b.count, "\(path): sizes \(a.count) and \(b.count)")
        }
        #expect(try fm.contentsOfDirectory(atPath: cmipRoot.path).contains("catalog.csv"))
        #expect(try Data(contentsOf: before.appendingPathComponent("catalog.csv")) == Data(contentsOf: cmipRoot.appendingPathComponent("catalog.csv")))

        // A CMIP facet that would break the DRS is refused, naming the node and the param.
        let badFacet = dir.appendingPathComponent("bad-facet.yaml")
        try Self.manifest(publish: publish).replacingOccurrences(of: "layout: cmip,", with: "layout: cmip, institution_id: my_lab,")
            .write(to: badFacet, atomically: true, encoding: .utf8)
        let bad = try SmokeManifestTests.run(SmokeManifestTests.binary(), ["run", badFacet.path, "--cache", cache.path, "--progress", "none"])
        #expect(bad.status != 0 && bad.output.contains("export-cmip") && bad.output.contains("param 'institution_id'")
                && bad.output.contains("my_lab"), "\(bad.output.suffix(2000))")
        // Two products that would write the same files are refused instead of the second overwriting the first.
        let twice = dir.appendingPathComponent("twice.yaml")
        try Self.manifest(publish: publish).replacingOccurrences(of: #"["merge-monthly-${esm}", "merge-yearly-${esm}"]"#,
                                                                 with: #"["merge-monthly-${esm}", "merge-monthly-${esm}"]"#)
            .write(to: twice, atomically: true, encoding: .utf8)
        let duplicate = try SmokeManifestTests.run(SmokeManifestTests.binary(), ["run", twice.path, "--cache", cache.path, "--progress", "none"])
        #expect(duplicate.status != 0 && duplicate.output.contains("export-cmip") && duplicate.output.contains("input 'products'")
                && duplicate.output.contains("tas_Amon_SPF-CESM2_ssp245_r1i1p1f1_gr_209101-209112.nc again"), "\(duplicate.output.suffix(2000))")
    }
}

import Foundation
import Pipelines
import SPFEngine
import Testing

/// `Manifests/smoke.yaml` end to end through the built binary (SPFFLOW_BIN, else .build/release/spfflow)
/// into a temporary cache: every node produces its outputs, the exported netCDF opens in xarray
/// (SPFFLOW_PYTHON, else python3) as (member, time, lat, lon), the report is written with its SVG figures,
/// the run ends with the evaluation's `figure` lines, and a rerun computes nothing.
@Suite struct SmokeManifestTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func binary() -> String {
        ProcessInfo.processInfo.environment["SPFFLOW_BIN"] ?? repoRoot.appendingPathComponent(".build/release/spfflow").path
    }

    /// `spfflow-test-kinds`, the commands with the engine tests' `test.*` kinds (SPFFLOW_TEST_BIN, else beside `binary()`).
    static func testKindsBinary() -> String {
        if let bin = ProcessInfo.processInfo.environment["SPFFLOW_TEST_BIN"], !bin.isEmpty { return bin }
        return URL(fileURLWithPath: binary()).deletingLastPathComponent().appendingPathComponent("spfflow-test-kinds").path
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try TestCommand.run(executable, arguments)
    }

    /// Files under `directory` (recursively) whose names end in `suffix`.
    static func files(under directory: URL, suffix: String) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.lastPathComponent.hasSuffix(suffix) }.sorted { $0.path < $1.path }
    }

    /// The committed object of output `out` of node `id`.
    static func object(_ session: EngineSession, node id: String) throws -> StoredObject {
        let decision = try #require(session.plan().first { $0.id == id })
        let key = try #require(decision.objects["out"])
        guard case .hit(let object) = session.store.lookup(key) else {
            Issue.record("node \(id): output \(key) is not in the cache")
            throw CancellationError()
        }
        return object
    }

    @Test(.timeLimit(.minutes(5))) func smokeRunsEndToEndAndReruns() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-smoke-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        let manifest = Self.repoRoot.appendingPathComponent("Manifests/smoke.yaml").path
        let arguments = ["run", manifest, "--cache", cache.path, "--progress", "none"]

        let first = try Self.run(Self.binary(), arguments)
        #expect(first.status == 0, "smoke run failed:\n\(first.output.suffix(4000))")
        try #require(first.status == 0)
        // The run ends with the evaluation's headline figures.
        let lines = first.output.split(separator: "\n").map(String.init)
        let tail = lines.reversed().prefix { $0.hasPrefix("figure ") }
        #expect(tail.count >= 5, "expected figure lines at the end:\n\(lines.suffix(10).joined(separator: "\n"))")
        #expect(tail.contains { $0.hasPrefix("figure spf_monthly_crps_tas = ") })
        #expect(tail.contains { $0.hasPrefix("figure floor_monthly_crps_tas = ") })
        for line in tail {
            let value = line.split(separator: "=").last?.split(separator: " ").first.flatMap { Double($0) }
            #expect(value?.isFinite == true, "not a finite figure: \(line)")
        }

        // Every node's outputs are committed: a fresh plan has nothing to run.
        let session = try EngineSession(manifestPath: manifest, cacheOverride: cache.path, registry: NodeKindRegistry.registry,
                                        cleanLeftovers: false)
        let decisions = session.plan()
        #expect(decisions.count == session.manifest.nodes.count)
        #expect(decisions.filter(\.willRun).map(\.id) == [])

        // The export opens in xarray with (member, time, lat, lon).
        let export = try Self.object(session, node: "export")
        let exportFiles = try #require(export.filesDirectory)
        let netcdf = Self.files(under: exportFiles, suffix: ".nc")
        // One file per ESM (scenario and timescale), holding tas and pr.
        #expect(netcdf.map(\.lastPathComponent).sorted() == ["SPF-CESM2_ssp245_r16x8_monthly.nc", "SPF-MRI-ESM2-0_ssp245_r16x8_monthly.nc"],
                "export wrote \(netcdf.map(\.lastPathComponent))")
        let python = ProcessInfo.processInfo.environment["SPFFLOW_PYTHON"] ?? "python3"
        let script = """
        import sys, xarray as xr
        for path in sys.argv[1:]:
            with xr.open_dataset(path) as ds:
                for v in ("tas", "pr"):
                    if v in ds:
                        print(path.rsplit("/", 1)[-1], v, ",".join(ds[v].dims), ",".join(str(n) for n in ds[v].shape))
        """
        let py = try Self.run("/usr/bin/env", [python, "-c", script] + netcdf.map(\.path))
        #expect(py.status == 0, "xarray failed:\n\(py.output)")
        let described = py.output.split(separator: "\n").filter { !$0.isEmpty }
        #expect(described.count == 2 * netcdf.count, "\(py.output)")
        #expect(Set(described.map { $0.split(separator: " ").dropFirst().first.map(String.init) ?? "" }) == ["tas", "pr"])
        for line in described {
            let fields = line.split(separator: " ")
            #expect(fields.count == 4 && fields[2] == "member,time,lat,lon", "\(line)")
            if fields.count == 4 { #expect(fields[3] == "4,12,8,16", "\(line)") }
        }

        // SPF's members are antithetic pairs: the product records them, the export says so to its readers.
        let merged = try Self.object(session, node: "merge-monthly-CESM2")
        #expect(merged.attribute("antithetic") == "true" && merged.attribute("member_ids") == "[0,1,2,3]",
                "\(String(describing: merged.attribute("member_ids")))")
        let design = try Self.run("/usr/bin/env", [python, "-c", "import sys, xarray as xr\nfor p in sys.argv[1:]:\n"
            + "    with xr.open_dataset(p) as ds: print(ds.attrs.get('ensemble_design', '-')[:16], ','.join(ds['member_id'].values.astype(str)))"]
            + netcdf.map(\.path))
        #expect(design.output.split(separator: "\n").filter { !$0.isEmpty } == ["antithetic pairs m0,m1,m2,m3", "antithetic pairs m0,m1,m2,m3"],
                "\(design.output)")

        // The normalisation scales each ESM's residuals per cell (param `cell_std`): one positive std per ESM, variable
        // and cell, not the same everywhere.
        let norm = try Self.object(session, node: "norm")
        let (scaleShape, scales) = try norm.readFloats("field_cell_std")
        #expect(scaleShape == [2, 2, 8, 16], "\(scaleShape)")
        #expect(scales.allSatisfy { $0.isFinite && $0 > 0 } && Set(scales[0..<128]).count > 1)

        // The monthly product takes its annual means from the yearly product of the same members (input `annual`), and
        // pr is never negative in either.
        for esm in ["CESM2", "MRI-ESM2-0"] {
            let monthly = try Self.object(session, node: "merge-monthly-\(esm)")
            let yearly = try Self.object(session, node: "merge-yearly-\(esm)")
            for variable in ["tas", "pr"] {
                let (ms, mv) = try monthly.readFloats(variable)
                let (ys, yv) = try yearly.readFloats(variable)
                try #require(ms == [4, 12, 8, 16] && ys == [4, 10, 8, 16], "\(ms) \(ys)")
                var worst = 0.0
                for member in 0..<4 {
                    for cell in 0..<128 {
                        let months = (0..<12).map { Double(mv[(member * 12 + $0) * 128 + cell]) }
                        let annual = Double(yv[(member * 10 + 6) * 128 + cell])  // 2091 is the 7th year from 2085
                        let scale = variable == "pr" ? 1e-5 : 1.0
                        worst = max(worst, abs(months.reduce(0, +) / 12 - annual) / scale)
                    }
                }
                #expect(worst < 1e-4, "\(esm) \(variable): monthly means differ from the yearly product by \(worst)")
                if variable == "pr" { #expect(mv.allSatisfy { $0 >= 0 } && yv.allSatisfy { $0 >= 0 }, "\(esm): negative pr") }
            }
        }

        // The report: index.html and index.md with maps, series, the DAG; figures on the output.
        let report = try Self.object(session, node: "report")
        let reportDir = try #require(report.filesDirectory).appendingPathComponent("report")
        let html = try String(contentsOf: reportDir.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(FileManager.default.fileExists(atPath: reportDir.appendingPathComponent("index.md").path))
        let svgs = Self.files(under: reportDir, suffix: ".svg").map(\.lastPathComponent)
        #expect(svgs.contains("dag.svg") && svgs.contains("crps_x_floor.svg"))
        #expect(svgs.filter { $0.hasPrefix("map_") }.count == 2 * 2 * 3, "\(svgs)")  // 2 ESMs x 2 variables x mean/spread/error
        #expect(svgs.filter { $0.hasPrefix("series_") }.count == 2 * 2, "\(svgs)")
        for svg in svgs { #expect(html.contains("src=\"\(svg)\""), "index.html does not show \(svg)") }
        #expect(html.contains("Curation") && html.contains("CESM2") && html.contains("MRI-ESM2-0"))
        #expect(html.contains("SPF (4 members)"), "the summary names each model's ensemble size")
        #expect(html.contains("ran</span>") && html.contains("train-spf"))
        let figures = report.attribute("figures") ?? ""
        #expect(figures.split(separator: "\n").allSatisfy { $0.hasPrefix("figure ") } && !figures.isEmpty)

        // A rerun is fully cached and still ends with the figures.
        let second = try Self.run(Self.binary(), arguments)
        #expect(second.status == 0, "\(second.output.suffix(2000))")
        #expect(second.output.contains("0 to compute"), "\(second.output.prefix(400))")
        #expect(!second.output.contains("\nran "))
        let secondTail = second.output.split(separator: "\n").map(String.init).reversed().prefix { $0.hasPrefix("figure ") }
        #expect(Array(secondTail) == Array(tail))

        // The emulator's climatology follows the forcing (pattern scaling): a merge node without the scenario's
        // forcing fails and says which input it needs, instead of writing fields without the forced response.
        let withoutForcing = try String(contentsOfFile: manifest, encoding: .utf8)
            .replacingOccurrences(of: #"states: "monthly-${esm}", forcing: "forcing-${esm}-${scenario}"}"#, with: #"states: "monthly-${esm}"}"#)
        #expect(!withoutForcing.contains(#"states: "monthly-${esm}", forcing"#))
        let edited = cache.appendingPathComponent("smoke-without-merge-forcing.yaml")
        try withoutForcing.write(to: edited, atomically: true, encoding: .utf8)
        let third = try Self.run(Self.binary(), ["run", edited.path, "--cache", cache.path, "--progress", "none"])
        #expect(third.status != 0)
        #expect(third.output.contains("merge-monthly-") && third.output.contains("input 'forcing'"), "\(third.output.suffix(2000))")

        // Antithetic blocks hold whole pairs: an odd block is refused with the node and the param named.
        let oddBlock = try String(contentsOfFile: manifest, encoding: .utf8)
            .replacingOccurrences(of: "member_start: 0, member_count: 4, antithetic: true}", with: "member_start: 0, member_count: 3, antithetic: true}")
        #expect(oddBlock.contains("member_count: 3, antithetic: true"))
        let odd = cache.appendingPathComponent("smoke-odd-antithetic-block.yaml")
        try oddBlock.write(to: odd, atomically: true, encoding: .utf8)
        let fourth = try Self.run(Self.binary(), ["run", odd.path, "--cache", cache.path, "--progress", "none"])
        // Refused when the manifest loads (exit 2), at the line of the odd count.
        #expect(fourth.status == 2)
        #expect(fourth.output.contains("smoke-odd-antithetic-block.yaml:") && fourth.output.contains("decadal-CESM2")
                && fourth.output.contains("param 'member_count'") && fourth.output.contains("antithetic"), "\(fourth.output.suffix(2000))")

        // `layout: time-first` writes (time, member, lat, lon), which CDO reads as it is; only the export reruns.
        let exportParams = "params: {calendars: {CESM2: noleap, MRI-ESM2-0: proleptic_gregorian}}"
        let original = try String(contentsOfFile: manifest, encoding: .utf8)
        #expect(original.contains(exportParams))
        let timeFirst = cache.appendingPathComponent("smoke-time-first.yaml")
        try original.replacingOccurrences(of: exportParams, with: "params: {calendars: {CESM2: noleap, MRI-ESM2-0: proleptic_gregorian}, layout: time-first}")
            .write(to: timeFirst, atomically: true, encoding: .utf8)
        let fifth = try Self.run(Self.binary(), ["run", timeFirst.path, "--cache", cache.path, "--progress", "none"])
        #expect(fifth.status == 0, "\(fifth.output.suffix(2000))")
        #expect(fifth.output.contains("1 to compute"), "\(fifth.output.prefix(400))")
        let cdoSession = try EngineSession(manifestPath: timeFirst.path, cacheOverride: cache.path, registry: NodeKindRegistry.registry,
                                           cleanLeftovers: false)
        let cdoFiles = Self.files(under: try #require(try Self.object(cdoSession, node: "export").filesDirectory), suffix: ".nc")
        #expect(cdoFiles.count == 2)
        let dims = try Self.run("/usr/bin/env", [python, "-c", "import sys, xarray as xr\nwith xr.open_dataset(sys.argv[1]) as ds: print(','.join(ds['tas'].dims), ','.join(str(n) for n in ds['tas'].shape))"]
            + cdoFiles.prefix(1).map(\.path))
        #expect(dims.output.trimmingCharacters(in: .whitespacesAndNewlines) == "time,member,lat,lon 12,4,8,16", "\(dims.output)")
        if let file = cdoFiles.first, FileManager.default.isExecutableFile(atPath: "/usr/bin/cdo") {
            let sinfo = try Self.run("/usr/bin/cdo", ["-s", "sinfo", file.path])
            #expect(sinfo.status == 0 && sinfo.output.contains("points=128 (16x8)") && sinfo.output.contains("levels=4"), "cdo sinfo: \(sinfo.output)")
            let names = try Self.run("/usr/bin/cdo", ["-s", "showname", file.path])
            #expect(names.status == 0 && names.output.contains("tas pr"), "cdo showname: \(names.output)")
        }
        // Another block of members (6-9 instead of 0-3) is labelled with the sampler's member indices, not the rows':
        // m6…m9, realizations 7…10 (as the cmip layout's r7i1p1f1…), so two nights' blocks never share a label.
        let laterBlock = cache.appendingPathComponent("smoke-members-6.yaml")
        try original.replacingOccurrences(of: "member_start: 0, member_count: 4, antithetic: true}", with: "member_start: 6, member_count: 4, antithetic: true}")
            .write(to: laterBlock, atomically: true, encoding: .utf8)
        let later = try Self.run(Self.binary(), ["run", laterBlock.path, "--cache", cache.path, "--progress", "none"])
        #expect(later.status == 0, "\(later.output.suffix(2000))")
        let laterSession = try EngineSession(manifestPath: laterBlock.path, cacheOverride: cache.path, registry: NodeKindRegistry.registry,
                                             cleanLeftovers: false)
        let laterFiles = Self.files(under: try #require(try Self.object(laterSession, node: "export").filesDirectory), suffix: ".nc")
        let labels = try Self.run("/usr/bin/env", [python, "-c", "import sys, xarray as xr\nwith xr.open_dataset(sys.argv[1]) as ds: "
            + "print(','.join(ds['member_id'].values.astype(str)), ','.join(str(int(n)) for n in ds['member'].values))"]
            + laterFiles.prefix(1).map(\.path))
        #expect(laterFiles.count == 2 && labels.output.trimmingCharacters(in: .whitespacesAndNewlines) == "m6,m7,m8,m9 7,8,9,10",
                "\(labels.output)")
        let badLayout = cache.appendingPathComponent("smoke-bad-layout.yaml")
        try original.replacingOccurrences(of: exportParams, with: "params: {calendars: {CESM2: noleap, MRI-ESM2-0: proleptic_gregorian}, layout: time-major}")
            .write(to: badLayout, atomically: true, encoding: .utf8)
        let sixth = try Self.run(Self.binary(), ["run", badLayout.path, "--cache", cache.path, "--progress", "none"])
        #expect(sixth.status == 2 && sixth.output.contains("param 'layout'") && sixth.output.contains("time-major"), "\(sixth.output.suffix(2000))")

        // An unknown ODE solver is refused with the node, the param and the choices named.
        #expect(original.contains("solver: midpoint, solver_steps: [3, 3, 2]"))
        let badSolver = cache.appendingPathComponent("smoke-bad-solver.yaml")
        try original.replacingOccurrences(of: "solver: midpoint, solver_steps: [3, 3, 2]", with: "solver: rk4, solver_steps: [3, 3, 2]")
            .write(to: badSolver, atomically: true, encoding: .utf8)
        let seventh = try Self.run(Self.binary(), ["run", badSolver.path, "--cache", cache.path, "--progress", "none"])
        // Refused when the manifest loads (exit 2), before any node runs.
        #expect(seventh.status == 2 && seventh.output.contains("smoke-bad-solver.yaml:") && seventh.output.contains("monthly-") && seventh.output.contains("param 'solver'")
                && seventh.output.contains("rk4") && seventh.output.contains("midpoint"), "\(seventh.output.suffix(2000))")
    }
}

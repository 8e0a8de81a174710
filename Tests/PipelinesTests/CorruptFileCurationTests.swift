import Foundation
import Testing

/// Inputs `make fuzz` found crashing inside netCDF-C / HDF5 (Debian's libnetcdf 4.9.0 and libhdf5
/// 1.10.8), kept under FuzzCrashes/: two netCDF-4 files that make HDF5 free memory it does not own
/// while `nc_open` iterates their links (a crash or not, depending on what the process did before),
/// and a netCDF-3 file whose dimension name is longer than NC_MAX_NAME, which `nc_inq_dim` copies
/// past the caller's buffer (the process dies, every time). Curated by a real
/// run with the local executor, each must fail its curation node with a message naming the node,
/// in the node's own process (``NodeKind/runsInOwnProcess``), while the run itself exits normally.
@Suite struct CorruptFileCurationTests {
    static let crashes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzCrashes")

    static func inputs() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: crashes.path)) ?? []).filter { $0.hasSuffix(".nc") }.sorted()
    }

    @Test func fuzzCrashInputsAreKept() {
        #expect(Self.inputs().count >= 3, "FuzzCrashes/ holds \(Self.inputs())")
    }

    @Test(arguments: inputs())
    func corruptFileFailsItsCurationNodeNotTheRun(name: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-corrupt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let leaf = dir.appendingPathComponent("tree/CMIP6/ScenarioMIP/NCAR/CESM2/ssp245/r1i1p1f1/Amon/tas/gn/v20190101")
        try FileManager.default.createDirectory(at: leaf, withIntermediateDirectories: true)
        let file = leaf.appendingPathComponent("tas_Amon_CESM2_ssp245_r1i1p1f1_gn_201501-201512.nc")
        try FileManager.default.copyItem(at: Self.crashes.appendingPathComponent(name), to: file)
        let manifest = dir.appendingPathComponent("corrupt.yaml")
        try """
        name: corrupt
        nodes:
          - id: discover
            kind: climate.discover
            params: {root: tree/CMIP6, tables: [Amon]}
          - id: curate-tas
            kind: climate.curate
            inputs: {catalog: discover}
            params: {source_id: CESM2, experiment: ssp245, member: r1i1p1f1, table: Amon, variable: tas, period: none}
        """.write(to: manifest, atomically: true, encoding: .utf8)
        let cache = dir.appendingPathComponent("cache")
        let run = try SpfflowRun(["run", manifest.path, "--cache", cache.path, "--progress", "plain"], in: dir, tag: "run")
        let status = try run.wait()
        let output = run.output
        #expect(status == 1, "exit \(status):\n\(output)")
        #expect(output.contains("curate-tas"), "\(output)")
        // The node ran in its own process: the process executor keeps its output beside the node's log.
        let outFiles = SmokeManifestTests.files(under: cache.appendingPathComponent("runs"), suffix: "curate-tas.out")
        #expect(outFiles.count == 1, "no exec-node output for curate-tas under \(cache.path)/runs")
        let nodeOutput = outFiles.first.flatMap { try? String(contentsOf: $0, encoding: .utf8) } ?? ""
        // Either netCDF refuses the file (an error naming it) or the library crashes (a signal), never the run.
        #expect(nodeOutput.contains(file.lastPathComponent) || output.contains("killed by signal"),
                "neither an error naming the file nor a crash report:\n\(nodeOutput)\n\(output)")
        if name.contains("netcdf3-long-dimension-name") {
            // The overflow corrupts the heap: the process dies by SIGABRT or SIGSEGV, depending on where.
            #expect(output.contains("exec-node was killed by signal"), "\(output)")
        }
    }
}

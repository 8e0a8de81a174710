import Foundation
import Testing

/// The smoke run's report in a real browser: Debian's headless Chromium lays out `index.html` at a laptop's
/// window size (1280 × 900) and a small one (1024 × 768) with every collapsed section opened, and a small script added to a copy of the
/// page measures it: no table is wider than the page, the page does not scroll sideways, and every image
/// (the SVG figures) loads with a size. A screenshot of the first screen is saved beside the copy, in
/// `$TMPDIR/spfflow-report-browser/first-screen.png`, which the next run replaces.
@Suite struct ReportBrowserTests {
    /// Debian's `chromium` (the Makefile's APT_TEST_PACKAGES installs it).
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs the measurements when the page has loaded (images included) and writes them into the DOM as JSON.
    static let measure = """
    <script>
    window.addEventListener('load', () => {
      document.querySelectorAll('details').forEach(d => { d.open = true; });
      const page = document.documentElement.clientWidth;
      const tables = [...document.querySelectorAll('table')].filter(t => t.getClientRects().length > 0).map(t => {
        const r = t.getBoundingClientRect();
        return {name: t.caption ? t.caption.textContent : (t.rows[0] ? t.rows[0].textContent.slice(0, 60) : ''), left: r.left, right: r.right};
      });
      const images = [...document.images].map(i => ({src: i.getAttribute('src'), complete: i.complete, width: i.naturalWidth, height: i.naturalHeight}));
      const out = document.createElement('pre');
      out.id = 'measurements';
      out.textContent = JSON.stringify({page: page, scrollWidth: document.documentElement.scrollWidth, tables: tables, images: images});
      document.body.appendChild(out);
    });
    </script>
    """

    struct Measurements: Decodable {
        struct Table: Decodable { var name: String; var left: Double; var right: Double }
        struct Image: Decodable { var src: String; var complete: Bool; var width: Double; var height: Double }
        var page: Double
        var scrollWidth: Double
        var tables: [Table]
        var images: [Image]
    }

    /// Runs `chromium` headless (no sandbox: the tests run as root) with its own profile; returns its standard output.
    static func browse(_ arguments: [String], scratch: URL, window: (Int, Int) = (1280, 900)) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(chromium))
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=\(window.0),\(window.1)",
                             "--user-data-dir=\(scratch.appendingPathComponent("profile").path)"] + arguments
        let out = scratch.appendingPathComponent("chromium.out"), err = scratch.appendingPathComponent("chromium.err")
        for file in [out, err] { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        let stderr = String(decoding: try Data(contentsOf: err), as: UTF8.self)
        #expect(process.terminationStatus == 0, "chromium \(arguments.last ?? ""): \(stderr.suffix(1500))")
        return String(decoding: try Data(contentsOf: out), as: UTF8.self)
    }

    @Test(.enabled(if: chromium != nil, "needs Debian's chromium (make test installs it)"), .timeLimit(.minutes(6)))
    func smokeReportFitsThePageAndEveryImageLoads() throws {
        let fm = FileManager.default
        let cache = fm.temporaryDirectory.appendingPathComponent("spfflow-browser-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: cache) }
        let manifest = SmokeManifestTests.repoRoot.appendingPathComponent("Manifests/smoke.yaml").path
        let run = try SmokeManifestTests.run(SmokeManifestTests.binary(), ["run", manifest, "--cache", cache.path, "--progress", "none"])
        try #require(run.status == 0, "\(run.output.suffix(2000))")
        let index = try #require(SmokeManifestTests.files(under: cache, suffix: "index.html")
            .first { $0.deletingLastPathComponent().lastPathComponent == "report" })

        let scratch = fm.temporaryDirectory.appendingPathComponent("spfflow-report-browser")
        try? fm.removeItem(at: scratch)
        try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
        let report = scratch.appendingPathComponent("report")
        try fm.copyItem(at: index.deletingLastPathComponent(), to: report)
        let html = try String(contentsOf: report.appendingPathComponent("index.html"), encoding: .utf8)
        try #require(html.contains("</body>"))
        let page = report.appendingPathComponent("measure.html")
        try Data(html.replacingOccurrences(of: "</body>", with: Self.measure + "</body>").utf8).write(to: page)

        for window in [(1280, 900), (1024, 768)] {
            let dom = try Self.browse(["--virtual-time-budget=10000", "--dump-dom", page.absoluteString], scratch: scratch, window: window)
            let start = try #require(dom.range(of: "<pre id=\"measurements\">"), "no measurements in the DOM: \(dom.prefix(300))")
            let end = try #require(dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex))
            let json = String(dom[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&amp;", with: "&")
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            let m = try JSONDecoder().decode(Measurements.self, from: Data(json.utf8))

            #expect(m.page >= Double(window.0 - 20), "the window is \(m.page) px wide")
            #expect(m.scrollWidth <= m.page, "\(window): the page scrolls sideways: \(m.scrollWidth) px of content in \(m.page) px")
            #expect(m.tables.count >= 8, "\(m.tables.map(\.name))")  // skill tables per variable and timescale, per-ESM, curation, DAG, timings
            for table in m.tables {
                #expect(table.left >= 0 && table.right <= m.page, "\(window): table \(table.name) spans \(table.left)–\(table.right) px of \(m.page)")
            }
            // 2 ESMs × 2 variables × (3 maps + 1 series), the CRPS chart and the DAG.
            #expect(m.images.count == 2 * 2 * 4 + 2, "\(m.images.map(\.src))")
            for image in m.images {
                #expect(image.complete && image.width > 0 && image.height > 0, "\(window): image \(image.src) did not load")
            }
        }

        let screenshot = scratch.appendingPathComponent("first-screen.png")
        _ = try Self.browse(["--screenshot=\(screenshot.path)", report.appendingPathComponent("index.html").absoluteString], scratch: scratch)
        let png = try Data(contentsOf: screenshot)
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47] && png.count > 10_000, "screenshot of \(png.count) bytes")
        print("report screenshot: \(screenshot.path)")
    }
}

import Foundation
import Testing

/// Debian's chromium, headless: the browser the report must render in (scripts/test installs it).
enum Chromium {
    static let path: String? = ([ProcessInfo.processInfo.environment["SECR_CHROMIUM"]].compactMap { $0 } + ["/usr/bin/chromium", "/usr/bin/chromium-browser"])
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static let skipReason: Comment = "chromium is not installed (`apt-get install chromium`, as scripts/test does): the report's browser test is skipped"

    /// Runs chromium headless on `page` with its own profile, at most two minutes.
    static func run(_ arguments: [String], page: URL, in box: Sandbox) throws -> Run {
        let profile = box.root.appendingPathComponent("chromium-profile").path
        return try box.exec(URL(fileURLWithPath: "/usr/bin/timeout"),
                            ["120", path ?? "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                             "--user-data-dir=\(profile)"] + arguments + [page.absoluteString])
    }
}

@Suite struct ReportBrowserTests {
    static let pngReader = ReportStore.domReader.deletingLastPathComponent().appendingPathComponent("png_colours.py")

    /// The page as chromium builds it (`--dump-dom`), its matrix cells read from that DOM; a
    /// screenshot whose missing and development-only cells are tinted by the page's own CSS;
    /// and a printed PDF.
    @Test(.enabled(if: Chromium.path != nil, Chromium.skipReason))
    func chromiumRendersTheReportMatrix() throws {
        let store = try ReportStore()
        let page = store.box.root.appendingPathComponent("report.html")
        let written = try store.report("-o", page.path, as: "alice")
        #expect(written.status == 0, "\(written.stderr)")

        let dump = try Chromium.run(["--dump-dom"], page: page, in: store.box)
        #expect(dump.status == 0, "chromium: \(dump.stderr.suffix(800))")
        #expect(dump.stdout.contains("<table class=\"matrix\" id=\"key-matrix\">"), "the DOM has the matrix: \(dump.stdout.prefix(300))")
        let dom = try store.dom(dump.stdout)
        let cells = matrix(dom)
        #expect(cells["MISSING_IN_PRODUCTION"]?["production"]?["state"] as? String == "missing")
        #expect(cells["MISSING_IN_PRODUCTION"]?["staging"]?["text"] as? String == "v1 by alice different")
        #expect(cells["DEVELOPMENT_ONLY"]?["development"]?["state"] as? String == "value")
        #expect(cells["DEVELOPMENT_ONLY"]?["staging"]?["state"] as? String == "missing")
        #expect(((dom["keys"] as? [String: [String: Any]])?["DEVELOPMENT_ONLY"]?["class"] as? String)?.contains("development-only") == true)
        #expect(cells["DIFFERENT_VALUE"]?["production"]?["values"] as? String == "different")
        #expect(cells["SAME_EVERYWHERE"]?["production"]?["values"] as? String == "same")
        #expect(cells["RETIRED_KEY"]?["production"]?["state"] as? String == "tombstone")
        #expect(cells["RETIRED_KEY"]?["production"]?["text"] as? String == "unset (v2) by alice")
        #expect((dom["access"] as? [String: [String: Any]])?["ci"]?["machine"] as? Bool == true)
        #expect(dom["sections"] as? [String] == ["keys", "access", "audit", "problems", "integrity"])
        #expect(dom["scripts"] as? Int == 0 && (dom["external"] as? [String])?.isEmpty == true)

        let screenshot = store.box.root.appendingPathComponent("report.png")
        let shot = try Chromium.run(["--screenshot=\(screenshot.path)", "--window-size=1100,1300"], page: page, in: store.box)
        #expect(shot.status == 0, "chromium: \(shot.stderr.suffix(800))")
        let pixels = try store.box.exec(URL(fileURLWithPath: "/usr/bin/env"),
                                        ["python3", ReportBrowserTests.pngReader.path, screenshot.path, "#fde7e6", "#fff3d6", "#ffffff"])
        #expect(pixels.status == 0, "\(pixels.stderr)")
        let image = try #require(try JSONSerialization.jsonObject(with: pixels.stdoutData) as? [String: Any])
        #expect(image["width"] as? Int == 1100 && image["height"] as? Int == 1300)
        let colours = image["colours"] as? [String: Int] ?? [:]
        #expect((colours["#fde7e6"] ?? 0) > 5000, "missing and unset cells are tinted: \(colours)")
        #expect((colours["#fff3d6"] ?? 0) > 2000, "the development-only row is tinted: \(colours)")
        #expect((image["distinct"] as? Int ?? 0) > 50, "text was drawn, not a blank page")

        let pdf = store.box.root.appendingPathComponent("report.pdf")
        let printed = try Chromium.run(["--print-to-pdf=\(pdf.path)", "--no-pdf-header-footer"], page: page, in: store.box)
        #expect(printed.status == 0, "chromium: \(printed.stderr.suffix(800))")
        let document = try Data(contentsOf: pdf)
        #expect(document.starts(with: Data("%PDF-".utf8)) && document.count > 20_000, "a printed page")
    }
}

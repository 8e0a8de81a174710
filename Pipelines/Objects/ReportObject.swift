import SPFEngine

/// The `report` object `eval.report` stores: the report directory in its files directory.
///
/// Files: `report/index.html`, `report/index.md`, the SVG figures. Attributes: `figures` (the evaluation's
/// headline `figure` lines, which `spfflow run` prints at its end), `report` (the page's path inside the files
/// directory). Dataset `file_count` (int64 [1]).
enum ReportObject {
    /// The schema inputs declare to take this object.
    static let schema = ObjectSchema("report", "the HTML report, eval.report")

    /// Attribute names.
    enum Attribute {
        static let figures = "figures"
        static let report = "report"
    }

    /// Dataset names.
    enum Dataset {
        static let fileCount = "file_count"
    }

    /// The report's directory inside the files directory.
    static let directory = "report"
    /// The page, relative to the files directory.
    static let page = "report/index.html"

    static func write(figures: String, fileCount: Int, to out: ObjectWriter) throws {
        try out.setAttribute(Attribute.figures, figures)
        try out.setAttribute(Attribute.report, page)
        try out.write(Dataset.fileCount, shape: [1], values: [Int64(fileCount)])
    }
}

/// What curation produced for one ESM (shown in the report's curation table).
public struct CurationSummary: Sendable, Equatable {
    /// ESM name.
    public var esm: String
    /// Experiments used, e.g. `["historical", "ssp126", …]`.
    public var experiments: [String]
    /// Number of runs (experiment × member).
    public var runs: Int
    /// Simulated years across all runs.
    public var simulationYears: Int
    /// Variables curated.
    public var variables: [String]
    /// Held-out truth members of the test scenario.
    public var heldOutMembers: Int
    /// Free-text notes (regridding, fixes applied, files skipped …).
    public var notes: String

    /// Creates a summary.
    public init(esm: String, experiments: [String], runs: Int, simulationYears: Int, variables: [String],
                heldOutMembers: Int, notes: String = "") {
        self.esm = esm
        self.experiments = experiments
        self.runs = runs
        self.simulationYears = simulationYears
        self.variables = variables
        self.heldOutMembers = heldOutMembers
        self.notes = notes
    }
}

/// One node of the run's DAG with what happened to it.
public struct DAGNodeStatus: Sendable, Equatable {
    /// What happened to a node in this run.
    public enum Status: String, Sendable {
        /// Its output was found in the cache.
        case cached
        /// It ran in this invocation.
        case ran
        /// It failed.
        case failed
        /// It was not needed or not reached.
        case skipped
    }

    /// Node name, e.g. `sample.yearly.CESM2.block3.decade2`.
    public var name: String
    /// Node kind, e.g. `spf.sample_yearly`.
    public var kind: String
    /// Status in this run.
    public var status: Status
    /// Wall time in seconds (0 for cached nodes).
    public var seconds: Double
    /// Names of the nodes it depends on.
    public var inputs: [String]

    /// Creates a node record.
    public init(name: String, kind: String, status: Status, seconds: Double, inputs: [String] = []) {
        self.name = name
        self.kind = kind
        self.status = status
        self.seconds = seconds
        self.inputs = inputs
    }
}

/// A labelled duration for the timings table.
public struct TimingEntry: Sendable, Equatable {
    /// What was timed.
    public var label: String
    /// Seconds.
    public var seconds: Double

    /// Creates an entry.
    public init(label: String, seconds: Double) {
        self.label = label
        self.seconds = seconds
    }
}

/// A rendered figure with the file name it is written under and its caption.
public struct ReportFigure: Sendable {
    /// File name inside the report directory, e.g. `map_tas_CESM2_SPF_mean.svg`.
    public var fileName: String
    /// Caption.
    public var caption: String
    /// The figure, an SVG document.
    public var image: SVGCanvas

    /// Creates a figure.
    public init(fileName: String, caption: String, image: SVGCanvas) {
        self.fileName = fileName
        self.caption = caption
        self.image = image
    }
}

/// A titled group of figures (e.g. "Maps, tas, CESM2, 2091–2100").
public struct ReportSection: Sendable {
    /// Section heading.
    public var title: String
    /// Text shown above the figures.
    public var text: String
    /// Figures, shown side by side where the page allows.
    public var figures: [ReportFigure]

    /// Creates a section.
    public init(title: String, text: String = "", figures: [ReportFigure]) {
        self.title = title
        self.text = text
        self.figures = figures
    }
}

/// Everything a report shows; all plain data.
public struct ReportContent: Sendable {
    /// Page title.
    public var title: String
    /// One-paragraph description of the run (manifest, scenario, ensemble size …).
    public var summary: String
    /// The skill table (ESM averages and floor multiples are added by the writer if missing).
    public var skill: SkillTable
    /// The period the headline figures are taken from.
    public var headlinePeriod: String
    /// Figure sections (maps, time series …).
    public var sections: [ReportSection]
    /// Per-ESM curation summaries.
    public var curation: [CurationSummary]
    /// The DAG with cached/ran status and timings.
    public var dag: [DAGNodeStatus]
    /// Run timings (total wall time, per stage …).
    public var timings: [TimingEntry]
    /// Free-form notes (e.g. which targets were met).
    public var notes: [String]

    /// Creates report content.
    public init(title: String, summary: String, skill: SkillTable, headlinePeriod: String,
                sections: [ReportSection] = [], curation: [CurationSummary] = [], dag: [DAGNodeStatus] = [],
                timings: [TimingEntry] = [], notes: [String] = []) {
        self.title = title
        self.summary = summary
        self.skill = skill
        self.headlinePeriod = headlinePeriod
        self.sections = sections
        self.curation = curation
        self.dag = dag
        self.timings = timings
        self.notes = notes
    }
}

/// One training simulation of one ESM for one variable: its field and the global forcings that drove it.
///
/// Not SPFModel's `TrainingRun` (every channel of a run, with its forcing series, for the emulator): this is one
/// variable with per-frame forcing features, what the baselines fit.
public struct BaselineTrainingRun: Sendable {
    /// The field, `[time, lat, lon]` flattened.
    public var field: [Float]
    /// Global forcing features per frame, `[time][feature]` (e.g. cumulative CO2, CH4, aerosol ERF).
    public var forcings: [[Double]]
    /// The run's time axis (monthly axes start in January).
    public var axis: FrameAxis

    /// Creates a run after checking that field, forcings and axis agree.
    public init(field: [Float], forcings: [[Double]], axis: FrameAxis, cells: Int) throws(EvaluationError) {
        guard axis.timescale != .decadal else {
            throw EvaluationError(.invalidArgument, "baselines are fitted on monthly or yearly runs, not decadal")
        }
        guard forcings.count == axis.count, field.count == axis.count * cells else {
            throw EvaluationError(.shapeMismatch, "run has \(forcings.count) forcing frames and \(field.count) field "
                                  + "values; axis \(axis.count) frames × \(cells) cells")
        }
        guard let width = forcings.first?.count, forcings.allSatisfy({ $0.count == width }) else {
            throw EvaluationError(.shapeMismatch, "every frame needs the same number of forcing features")
        }
        self.field = field
        self.forcings = forcings
        self.axis = axis
    }

    /// Number of forcing features.
    public var featureCount: Int { forcings.first?.count ?? 0 }
    /// Cells per frame.
    public var cells: Int { axis.count > 0 ? field.count / axis.count : 0 }
}

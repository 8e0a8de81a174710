/// Canonical model identifiers (they become the prefixes of the headline `figure` names) and
/// their display labels.
public enum ModelID {
    /// The Spatiotemporal Pyramid Flow emulator.
    public static let spf = "spf"
    /// The single-stage ("flat") flow baseline.
    public static let flatFlow = "flat_flow"
    /// The autoregressive pyramidal flow baseline.
    public static let autoregressiveFlow = "ar_pyramid_flow"
    /// Deterministic pattern scaling.
    public static let patternScaling = "pattern_scaling"
    /// Pattern scaling plus resampled residuals.
    public static let stochasticPatternScaling = "stochastic_ps"
    /// The training climatology.
    public static let climatology = "climatology"
    /// The simulator's own members scored leave-one-out.
    public static let floor = "floor"

    /// Display labels for the report.
    public static let labels: [String: String] = [
        spf: "SPF", flatFlow: "Flat flow", autoregressiveFlow: "AR pyramidal flow",
        patternScaling: "Pattern scaling", stochasticPatternScaling: "Stochastic PS",
        climatology: "Climatology", floor: "Floor (simulator)",
    ]
}

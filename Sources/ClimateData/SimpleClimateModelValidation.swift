/// The check of the simple climate model against RCMIP (`spfflow bench forcing`): for each SSP, the model is
/// driven by the SSP's emissions plus RCMIP's natural (solar, volcanic) and unmodelled forcings, and its total
/// ERF is compared with RCMIP's own total ERF for that SSP over 2015–2100.
public struct SimpleClimateModelValidation: Sendable {
    /// The eight RCMIP SSPs (ScenarioMIP tier 1 and 2).
    public static let ssps = ["ssp119", "ssp126", "ssp245", "ssp370", "ssp434", "ssp460", "ssp534-over", "ssp585"]
    /// Years compared.
    public static let years = 2015...2100

    /// RMS difference of total ERF (W m-2) per SSP, in `ssps` order.
    public var rmsError: [(scenario: String, rms: Double)]
    /// Largest absolute difference per SSP (W m-2) and its year.
    public var maxError: [(scenario: String, error: Double, year: Int)]

    /// The mean of the per-SSP RMS differences: the `erf_rms_error_wm2` figure.
    public var meanRMSError: Double { rmsError.map(\.rms).reduce(0, +) / Double(max(rmsError.count, 1)) }

    /// Runs the model on each SSP of `rcmip`.
    public init(rcmip: RCMIPForcingData, model: SimpleClimateModel = SimpleClimateModel(), scenarios: [String] = Self.ssps) throws(ForcingError) {
        rmsError = []
        maxError = []
        for scenario in scenarios {
            let pathway = try EmissionsPathway(rcmip: rcmip, scenario: scenario, through: Self.years.upperBound)
            let ours = try model.run(pathway).totalForcing(from: Self.years.lowerBound, through: Self.years.upperBound)
            let theirs = try rcmip.forcing.series(scenario: scenario, variable: "Effective Radiative Forcing")
                .annual(from: Self.years.lowerBound, through: Self.years.upperBound)
            var squares = 0.0, worst = 0.0, worstYear = Self.years.lowerBound
            for (k, (a, b)) in zip(ours, theirs).enumerated() {
                squares += (a - b) * (a - b)
                if abs(a - b) > worst { worst = abs(a - b); worstYear = Self.years.lowerBound + k }
            }
            rmsError.append((scenario, (squares / Double(ours.count)).squareRoot()))
            maxError.append((scenario, worst, worstYear))
        }
    }
}

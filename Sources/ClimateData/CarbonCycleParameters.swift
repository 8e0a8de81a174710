/// Parameters of the impulse-response carbon cycle (FaIR 1.x, Millar et al. 2017, ACP 17, 7213): four
/// atmospheric boxes with partition `a` and time constants `tau`, all scaled by one factor α chosen each
/// year so that the 100-year integrated impulse response equals iIRF100 = r0 + rc·(cumulative uptake) +
/// rt·T (capped at `iirfMax`). The state dependence makes sinks weaken as they fill and as the climate warms.
public struct CarbonCycleParameters: Sendable, Hashable {
    /// Partition of an emission pulse between the boxes (sums to 1).
    public var partition: [Double]
    /// Present-day time constants of the boxes, years.
    public var timeConstants: [Double]
    /// Pre-industrial iIRF100, years.
    public var r0: Double
    /// Sensitivity of iIRF100 to cumulative carbon uptake, years per GtC.
    public var rc: Double
    /// Sensitivity of iIRF100 to temperature, years per K.
    public var rt: Double
    /// Horizon of the integrated impulse response, years.
    public var horizon: Double
    /// Largest allowed iIRF100, years.
    public var iirfMax: Double
    /// Pre-industrial CO2, ppm.
    public var preindustrialPPM: Double
    /// GtC per ppm of atmospheric CO2 (FaIR: atmosphere mass 5.1352e18 kg × 12.01 / 28.97).
    public var gtcPerPPM: Double

    /// Creates parameters.
    public init(partition: [Double], timeConstants: [Double], r0: Double, rc: Double, rt: Double,
                horizon: Double = 100, iirfMax: Double = 97, preindustrialPPM: Double,
                gtcPerPPM: Double = 5.1352 * 12.01 / 28.97) {
        self.partition = partition
        self.timeConstants = timeConstants
        self.r0 = r0
        self.rc = rc
        self.rt = rt
        self.horizon = horizon
        self.iirfMax = iirfMax
        self.preindustrialPPM = preindustrialPPM
        self.gtcPerPPM = gtcPerPPM
    }

    /// FaIR 1.6's defaults (`fair/defaults/carbon.py`): r0 35 yr, rc 0.019 yr/GtC, rt 4.165 yr/K, C_pi 278 ppm.
    public static let fair16 = CarbonCycleParameters(
        partition: [0.2173, 0.2240, 0.2824, 0.2763], timeConstants: [1_000_000, 394.4, 36.54, 4.304],
        r0: 35, rc: 0.019, rt: 4.165, preindustrialPPM: 278)

    /// The embedded model's calibration: FaIR 1.6's boxes and rt, with r0 and rc fitted (least squares) so that
    /// the cycle, started from RCMIP's observed 1750–2014 concentrations, follows RCMIP's ssp245 CO2
    /// concentrations over 2015–2100 from ssp245's emissions, warmed by ssp245's ERF (one SSP of eight; the other
    /// seven are out of sample). `scripts/fit_simple_climate_model.py` re-derives them. C_pi is RCMIP's 1750 value.
    public static let rcmipCalibrated = CarbonCycleParameters(
        partition: [0.2173, 0.2240, 0.2824, 0.2763], timeConstants: [1_000_000, 394.4, 36.54, 4.304],
        r0: 18.103738033909696, rc: 0.04475491787968976, rt: 4.165, preindustrialPPM: 277.1470032)
}

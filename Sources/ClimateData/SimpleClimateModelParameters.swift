/// The coefficients of the embedded simple climate model (`SimpleClimateModel`). Where each comes from:
/// - Carbon cycle: `CarbonCycleParameters.rcmipCalibrated` (FaIR 1.6's boxes; r0, rc fitted on ssp245's CO2).
/// - CH4 and N2O: one box each with FaIR 1.6's lifetimes (9.3 and 121 years); natural emissions are the
///   ones that close the observed budget of the last ten historical years.
/// - CO2, CH4 and N2O forcing: Etminan-like forms in the concentrations, `a·ln(C/C0) + b·(C−C0)·ln(C/C0) +
///   c·(√N−√N0)·ln(C/C0)` and `(a + b·(N−N0) + c·(M−M0))·(√M−√M0)`, `(a + b·(C−C0) + c·(M−M0))·(√N−√N0)`,
///   least-squares fitted to RCMIP's component ERF against RCMIP's concentrations over 1750–2014 only.
/// - Aerosol–radiation: linear in the emission changes since 1750 of SO2, BC, OC, NH3, NOx and VOC; aerosol–cloud:
///   −β ln(1 + E_SO2 / s) relative to 1750 (Ghan/Smith form); stratospheric H2O from CH4, BC on snow, contrails
///   (aviation NOx) and land-use albedo (cumulative AFOLU CO2): linear; all fitted on RCMIP's 1750–2014 components.
/// - Tropospheric ozone: Stevenson et al. (2013) sensitivities to CH4 concentration and NOx, CO and VOC
///   emissions, as FaIR 1.6 (`ozone_tr.cmip6_stevenson`) writes them, NOx converted from Mt N to Mt NO2.
/// - Temperature (for the carbon-cycle feedback only): FaIR 1.6's two-box response (TCR 1.6 K, ECS 2.75 K).
/// `scripts/fit_simple_climate_model.py` re-derives every fitted coefficient from the RCMIP files in fair==1.6.4.
public struct SimpleClimateModelParameters: Sendable {
    /// Carbon cycle.
    public var carbon: CarbonCycleParameters
    /// CH4 lifetime, years.
    public var ch4Lifetime: Double = 9.3
    /// N2O lifetime, years.
    public var n2oLifetime: Double = 121
    /// Mt CH4 per ppb (FaIR: 5.1352e18 kg × 16.04 / 28.97).
    public var mtCH4PerPPB: Double = 5.1352 * 16.04 / 28.97
    /// Mt N2O per ppb (FaIR: 5.1352e18 kg × 44.01 / 28.97).
    public var mtN2OPerPPB: Double = 5.1352 * 44.01 / 28.97
    /// Reference (1750) concentrations of CH4 and N2O, ppb (RCMIP).
    public var ch4Reference = 731.4059957, n2oReference = 273.8650513
    /// CO2 forcing coefficients (a, b, c), see above.
    public var co2Forcing = [5.5686497537, 6.2358040482e-04, 3.6477204976e-03]
    /// CH4 forcing coefficients (a, b, c).
    public var ch4Forcing = [3.4230991745e-02, -3.5259993422e-06, -5.5900001196e-07]
    /// N2O forcing coefficients (a, b, c).
    public var n2oForcing = [1.1234683206e-01, -3.1461015891e-06, -2.4399722214e-06]
    /// Aerosol–radiation ERF per unit emission change of SO2, BC, OC, NH3, NOx, VOC (W m-2 per Mt/yr).
    public var aerosolRadiation = [-0.001690083641, 0.00869971101, -0.000789502005, -0.000696180274, -0.000192652463, -0.000208545601]
    /// Aerosol–cloud β (W m-2) and SO2 scale s (Mt SO2/yr).
    public var aerosolCloudBeta = 1.042635183789, aerosolCloudScale = 60.23984048366
    /// Tropospheric ozone per ppb CH4, per Mt NOx/yr, per Mt CO/yr, per Mt VOC/yr (W m-2).
    public var troposphericOzone = [1.77871043e-04, 2.09151270e-03 * 14.0067 / 46.0055, 5.80173377e-05, 1.94458719e-04]
    /// Stratospheric H2O from CH4 oxidation per ppb CH4 (W m-2).
    public var stratosphericWaterVapour = 6.468735247180417e-05
    /// Land-use albedo per Mt CO2 of cumulative AFOLU emissions since 1750 (W m-2).
    public var landUseAlbedo = -3.5314076135907284e-07
    /// BC on snow per Mt BC/yr change (W m-2).
    public var bcOnSnow = 0.011289684409285747
    /// Contrails per Mt NOx/yr of aviation (W m-2).
    public var contrails = 0.006995883797880506
    /// Temperature response feeding back on the carbon cycle.
    public var thermal = ThermalResponse()

    /// Creates the calibrated parameters, optionally with another carbon cycle.
    public init(carbon: CarbonCycleParameters = .rcmipCalibrated) {
        self.carbon = carbon
    }

}

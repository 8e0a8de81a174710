import ArgumentParser
import ClimateData
import Foundation

/// `spfflow bench forcing`: the embedded simple climate model against RCMIP.
/// - `erf_rms_error_wm2`: RMS difference of total effective radiative forcing over 2015–2100 between the model,
///   driven by each SSP's emissions plus RCMIP's natural forcings (solar, volcanic) and the components it does not
///   model (stratospheric ozone, minor greenhouse gases), and RCMIP's own total ERF, averaged over the 8 SSPs.
/// - `erf_rms_error_<ssp>_wm2` and `erf_max_error_<ssp>_wm2`: the same per SSP, and the largest yearly difference.
struct BenchForcingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forcing",
        abstract: "Simple climate model against RCMIP's ERF (erf_rms_error_wm2, per SSP).")

    @Option(name: .long, help: "Directory with the RCMIP extract (default: Manifests/data/forcings found from the working directory).")
    var rcmipDir: String?

    func run() throws {
        let rcmip = try RCMIPForcingData(directory: RCMIPForcingData.locateExtract(explicit: rcmipDir))
        let t0 = DispatchTime.now().uptimeNanoseconds
        let validation = try SimpleClimateModelValidation(rcmip: rcmip)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        for ((scenario, rms), (_, worst, year)) in zip(validation.rmsError, validation.maxError) {
            print("figure erf_rms_error_\(scenario)_wm2 = \(String(format: "%.4f", rms)) W m-2")
            print("figure erf_max_error_\(scenario)_wm2 = \(String(format: "%.4f", worst)) W m-2 (in \(year))")
        }
        print("figure erf_model_seconds = \(String(format: "%.3f", seconds)) s (8 SSPs, 1750-2100)")
        print("figure erf_rms_error_wm2 = \(String(format: "%.4f", validation.meanRMSError)) W m-2")
    }
}

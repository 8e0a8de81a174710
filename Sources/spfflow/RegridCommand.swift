import ArgumentParser
import ClimateData
import Foundation
import SPFEngine

/// `spfflow regrid IN.nc OUT.nc --to r72x36|grid.txt|GRID.nc --method conservative|bilinear`.
struct RegridCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regrid",
        abstract: "Regrid a CF netCDF file to another lat-lon grid (like cdo remapcon/remapbil).")

    @Argument(help: "Input CF netCDF file.")
    var input: String

    @Argument(help: "Output CF netCDF-4 file.")
    var output: String

    @Option(name: .long, help: "Target grid: r<nlon>x<nlat> (e.g. r72x36), n<N> (Gaussian), a CDO grid description file (gridtype = lonlat, xsize, ysize, xfirst, xinc, yfirst, yinc; regional grids too), or a netCDF file whose lat/lon to use.")
    var to: String

    @Option(name: .long, help: "conservative or bilinear.")
    var method: String = "conservative"

    @Option(name: .long, help: "Variable to regrid (default: the file's only data variable).")
    var variable: String?

    @Option(name: .long, help: "Vertical level for variables with levels, e.g. '850 hPa'.")
    var level: String?

    @Option(name: .long, help: "Threads for applying the weights.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "Deflate level of the output (shuffle on); 0 = uncompressed.")
    var deflate: Int = 1

    func run() throws {
        do {
            guard let m = RegridMethod(rawValue: method) else {
                throw ClimateDataError(.invalidArgument, "unknown method '\(method)' (conservative or bilinear)")
            }
            // A --to that names no usable grid (unknown name, malformed grid description) is a usage error: exit 2.
            let grid: LatLonGrid
            do { grid = try FileRegridder.grid(named: to) } catch { throw ClimateDataError(.invalidArgument, "--to \(to): \(error.description)") }
            let sel = try level.map { text throws(ClimateDataError) in try VerticalSelection(parsing: text) }
            let r = FileRegridder(destination: grid, method: m, threads: max(1, threads), deflateLevel: deflate)
            try r.regrid(input: input, output: output, variable: variable, level: sel,
                         history: "spfflow regrid \(input) \(output) --to \(to) --method \(method)")
        } catch let e as ClimateDataError {
            StandardStreams.error(e.description + "\n")
            throw ExitCode(e.code == .invalidArgument ? 2 : 1)
        }
    }
}

import ArgumentParser
import ClimateData
import Foundation
import SPFEngine

/// `spfflow inspect FILE.nc`: a decoded summary of a CF netCDF file.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarise a CF netCDF file: variables, units, grid, calendar, time range and step, fill values, bounds.")

    @Argument(help: "The netCDF file.")
    var file: String

    @Flag(name: .long, help: "Do not read the data (skip counting missing values).")
    var noScan = false

    func run() throws {
        do {
            let inspection = try CFInspection(path: file, scanData: !noScan)
            print(inspection.text)
        } catch {
            StandardStreams.error(error.description + "\n")
            throw ExitCode(1)
        }
    }
}

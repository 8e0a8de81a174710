import ArgumentParser
import CommandSupport
import Foundation
import Pipelines
import SPFEngine

/// `spfflow model`: trained emulators as files, for jobs that reuse a model without retraining.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Work with trained emulator models.", subcommands: [ModelExportCommand.self])
}

/// `spfflow model export KEY OUT.h5`: writes the `spf.train` (or `spf.load-model`) output with cache
/// key KEY (or a unique prefix) to an HDF5 file that `spf.load-model`'s `file` param reads.
struct ModelExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export a trained model from the cache to an HDF5 file (for spf.load-model `file`).")

    @Argument(help: "Cache key (or unique prefix) of an spf.train output (see `spfflow cache ls`).")
    var key: String

    @Argument(help: "Output HDF5 file.")
    var output: String

    @OptionGroup var location: CacheLocation

    func run() throws {
        let store = try location.open(cleanLeftovers: false)
        try reportingEngineErrors {
            let object = try LoadModel.lookup(key, in: store)
            let final = URL(fileURLWithPath: output)
            let partial = URL(fileURLWithPath: output + ".partial-\(getpid())")
            // try?: a partial file of an earlier, killed export may not exist; creating the writer reports real failures
            try? FileManager.default.removeItem(at: partial)
            let writer = try ObjectWriter(creating: partial)
            do {
                try LoadModel.copyModel(object, to: writer)
                try writer.close()
            } catch {
                // try?: removing the partial file is best effort; the error being thrown is what the user sees
                try? FileManager.default.removeItem(at: partial)
                throw error
            }
            guard rename(partial.path, final.path) == 0 else {
                throw EngineError(.nodeFailed, "cannot rename \(partial.path) to \(final.path): \(String(cString: strerror(errno)))")
            }
            print("exported model \(object.key) (\(object.datasetNames.count) datasets) to \(final.path)")
        }
    }
}

import Foundation
import SPFEngine
import SPFModel

/// Training runs of stored shards (`spf.shards`' layout), for `spf.train`'s tests and the benchmarks.
package enum ShardTrainingRuns {
    /// One run to store: experiment, member, first year, months, fields [months, C, H, W] and forcing [months, G].
    package struct Run {
        package var experiment: String
        package var member: String
        package var startYear: Int
        package var months: Int
        package var fields: [Float]
        package var forcing: [Float]

        package init(experiment: String, member: String, startYear: Int, months: Int, fields: [Float], forcing: [Float]) {
            self.experiment = experiment
            self.member = member
            self.startYear = startYear
            self.months = months
            self.fields = fields
            self.forcing = forcing
        }
    }

    /// The runs of the experiments `experiments` (nil: all) in `shards`, ESM index = position in `sources`; with
    /// `streaming` their fields stay in the store and are read block by block as training needs them.
    package static func read(_ shards: [StoredObject], sources: [String], experiments: Set<String>?, streaming: Bool,
                             node: String) throws -> [TrainingRun] {
        let read = try shards.map { try ShardSetObject.read($0, node: node, experiments: experiments, streaming: streaming) }
        return try ShardSetObject.trainingRuns(read, sources: sources, node: node)
    }

    /// Writes a shard of ESM `sourceID` in `spf.shards`' layout; `run(i)` makes run `i` of `count` (one at a time,
    /// so the runs never all exist in memory).
    package static func write(to writer: ObjectWriter, sourceID: String, variables: [String], forcingNames: [String],
                              lat: [Double], lon: [Double], count: Int, run: (Int) throws -> Run) throws {
        var entries: [ShardSetObject.RunEntry] = []
        for index in 0..<count {
            let r = try run(index)
            try ShardSetObject.writeRun(index: index, fields: r.fields, fieldShape: [r.months, variables.count, lat.count, lon.count],
                                        forcing: r.forcing, forcingShape: [r.months, forcingNames.count], to: writer)
            entries.append(.init(experiment: r.experiment, member: r.member, startYear: r.startYear, months: r.months, index: index))
        }
        try ShardSetObject.writeMetadata(runs: entries, sourceID: sourceID, calendar: "noleap", variables: variables,
                                         forcingNames: forcingNames, lat: lat, lon: lon, timescale: .monthly, to: writer)
    }
}

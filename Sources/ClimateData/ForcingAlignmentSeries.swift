extension ForcingAlignment {
    /// Adds a user's series (`CSVSeriesFile` column) as one more channel of the forcing vector: each frame takes the
    /// value of its month (monthly file) or year (yearly file), from the frame's time stamp.
    public static func addingSeries(_ aligned: AlignedForcing, file: CSVSeriesFile, column name: String) throws(ForcingError) -> AlignedForcing {
        guard !aligned.names.contains(name) else {
            throw ForcingError(.badSpecification, "\(file.source): column '\(name)' has the name of a forcing already in the vector")
        }
        let column = try file.column(name)
        let dates: [CFDateTime]
        do { dates = try aligned.time.dates() } catch { throw ForcingError(.badSpecification, "time axis: \(error)") }
        let n = aligned.names.count
        var values = [Float]()
        values.reserveCapacity(dates.count * (n + 1))
        for (t, d) in dates.enumerated() {
            values.append(contentsOf: aligned.values[(t * n)..<((t + 1) * n)])
            values.append(Float(try file.value(column, year: d.year, month: d.month)))
        }
        return try AlignedForcing(names: aligned.names + [name], units: aligned.units + [column.units], time: aligned.time,
                                  values: values, maps: aligned.maps)
    }
}

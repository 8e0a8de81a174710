import SPFEngine
import SPFModel

/// The yearly product a monthly product's annual means are taken from (`spf.merge` input `annual`).
struct AnnualProduct {
    let object: StoredObject
    /// Member index of each row.
    let memberIDs: [Int]
    /// Row of the yearly product holding the first year of the monthly product.
    let firstRow: Int
    let years: Int
    let node: String

    /// Checks that `object` is a yearly product of the same ESM and scenario covering `product`'s years.
    init(_ object: StoredObject, matching product: EnsembleProduct, node: String) throws {
        func fail(_ why: String) -> EngineError {
            EngineError(.nodeFailed, "input 'annual' (\(object.key)): \(why)", node: node)
        }
        guard product.timescale == .monthly else { throw fail("only a monthly product takes its annual means from a yearly product") }
        let stored = EnsembleProduct.Stored(object)
        guard stored.timescale == .yearly, let start = stored.startYear, let years = stored.years, let members = stored.members else {
            throw fail("is not a yearly ensemble product")
        }
        guard stored.sourceID == product.sourceID, stored.scenario == product.scenario else {
            throw fail("is \(stored.sourceID ?? "?") \(stored.scenario ?? "?"), this product \(product.sourceID) \(product.scenario)")
        }
        guard start <= product.startYear, start + years >= product.startYear + product.years else {
            throw fail("covers \(start)–\(start + years - 1), not \(product.startYear)–\(product.startYear + product.years - 1)")
        }
        self.object = object
        self.memberIDs = try EnsembleProduct.memberIDs(object, members: members, node: node)
        self.firstRow = product.startYear - start
        self.years = product.years
        self.node = node
    }

    /// Sets the annual means of one block's monthly values (`[member, years·12, C, plane]`, physical units) to the
    /// yearly product's rows of the same members.
    func constrain(_ values: inout [Float], members: [Int], variables: [String], nonNegative: Set<String>, plane: Int) throws {
        guard let first = members.first, let row = memberIDs.firstIndex(of: first),
              row + members.count <= memberIDs.count, Array(memberIDs[row..<(row + members.count)]) == members else {
            throw EngineError(.nodeFailed, "input 'annual' (\(object.key)) does not hold members \(members.first ?? 0)…\(members.last ?? 0) "
                              + "in order: give the yearly product of the same ensemble", node: node)
        }
        let c = variables.count, t = years * 12
        for (k, variable) in variables.enumerated() {
            let (shape, yearly) = try object.readFloats(variable, rows: row..<(row + members.count))
            guard shape.count == 4, shape[2] * shape[3] == plane else {
                throw EngineError(.nodeFailed, "input 'annual' (\(object.key)): \(variable) has shape \(shape), expected [member, year, lat, lon] of \(plane) cells", node: node)
            }
            let yearsA = shape[1]
            for m in 0..<members.count {
                var monthly = EnsembleProduct.variableSeries(values, member: m, variable: k, frames: t, channels: c, plane: plane)
                let base = (m * yearsA + firstRow) * plane
                try AnnualMeanConstraint.constrain(monthly: &monthly, annual: Array(yearly[base..<(base + years * plane)]), plane: plane,
                                                   nonNegative: nonNegative.contains(variable))
                for f in 0..<t {
                    let dst = ((m * t + f) * c + k) * plane
                    values.replaceSubrange(dst..<(dst + plane), with: monthly[(f * plane)..<((f + 1) * plane)])
                }
            }
        }
    }
}

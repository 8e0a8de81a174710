import ClimateData
import Foundation
import SPFEngine

/// The check `spf.train` makes when the manifest loads: the target grid its data are regridded to (the
/// `climate.regrid-weights` node upstream, `grid` or `grid_file`) must divide by the pyramid's spatial factor and by
/// the patch sizes. A grid that does not is refused, naming the nearest sizes that work; spfflow does not mask
/// partial blocks (docs/own-files.md).
enum PyramidGridCheck {
    /// What the upstream nodes fix: the grid (nlat, nlon), the node that sets it, and the data's timescale when a curation
    /// node's `period` says it (nil: unknown until the data are read).
    struct Upstream {
        var nlat: Int
        var nlon: Int
        var gridNode: String
        var gridParam: String
        var timescale: MonthlyFrames.DataTimescale?
    }

    /// Walks the nodes upstream of `node` (breadth first) for the grid and the curation period.
    static func upstream(of node: ManifestNode, lookup: (String) -> ManifestNode?) -> Upstream? {
        var queue = node.upstreamIDs, seen = Set(queue)
        var grid: (Int, Int, String, String)?
        var periods: Set<String> = []
        while !queue.isEmpty {
            let id = queue.removeFirst()
            guard let n = lookup(id) else { continue }
            if n.kindName == RegridWeightsNode.name, grid == nil, let p = try? RegridWeightsNode.Params.decode(n.params) {
                // try?: a grid that does not parse is the regrid node's own load error; this check then has nothing to add
                if let file = p.gridFile?.path, !file.isEmpty {
                    if let g = try? CDOGridDescription(contentsOf: file).grid() { grid = (g.nlat, g.nlon, n.id, "grid_file") }
                } else if let g = try? LatLonGrid.named(p.grid) {
                    grid = (g.nlat, g.nlon, n.id, "grid")
                }
            }
            if n.kindName == CurateCMIP6.name, let p = try? CurateCMIP6.Params.decode(n.params) { periods.insert(p.period.rawValue) }
            if n.kindName == ClimateFiles.name, let p = try? ClimateFiles.Params.decode(n.params) { periods.insert(p.period.rawValue) }
            for up in n.upstreamIDs where !seen.contains(up) { seen.insert(up); queue.append(up) }
        }
        guard let grid else { return nil }
        var timescale: MonthlyFrames.DataTimescale?
        if !periods.isEmpty, periods.isSubset(of: ["year", "decade"]) { timescale = .yearly }
        if periods == ["month"] { timescale = .monthly }
        return Upstream(nlat: grid.0, nlon: grid.1, gridNode: grid.2, gridParam: grid.3, timescale: timescale)
    }

    /// The problem with `node`'s grid (or, on monthly data, with a two-stage `solver_steps`), if any.
    static func problem(_ node: ManifestNode, lookup: (String) -> ManifestNode?) -> ParamProblem? {
        // try?: a node whose own params do not decode is refused by the loader's param check, with its own message
        guard let p = try? TrainEmulator.Params.decode(node.params), let up = upstream(of: node, lookup: lookup) else { return nil }
        if up.timescale == .monthly, p.variant == .spf, p.solverSteps.count == 2 {
            return ParamProblem(param: "solver_steps", "the data are monthly (period: month upstream): the pyramid has 3 stages, give 3 counts, got 2")
        }
        let variant = p.variant, patch = p.patch
        let forcingPatch = p.forcingPatch == 0 ? patch : p.forcingPatch
        // Unknown timescale: only what both pyramids need (the yearly one's ×2); the node checks the rest when it runs.
        let divisor = TrainEmulator.gridDivisor(variant: variant, data: up.timescale ?? .yearly, patch: patch, forcingPatch: forcingPatch)
        let bad = [("latitudes", up.nlat), ("longitudes", up.nlon)].filter { $0.1 % divisor != 0 }
        guard !bad.isEmpty else { return nil }
        let pyramid = variant == .flat ? "the flat flow" : (up.timescale == .yearly && variant == .spf ? "the decadal → yearly pyramid (×2)"
                                                            : variant == .spf && up.timescale == nil ? "the pyramid (×2 at least)" : "the 3-stage pyramid (×4)")
        let nearest = bad.map { name, n -> String in
            let below = n / divisor * divisor, above = below + divisor
            return "\(n) \(name) → \(below > 0 ? "\(below) or " : "")\(above)"
        }.joined(separator: ", ")
        return ParamProblem(param: "patch", "the \(up.nlat)x\(up.nlon) grid (lat x lon) of node '\(up.gridNode)' (param '\(up.gridParam)') does not "
                            + "divide by \(divisor), which \(pyramid) with patch \(patch)\(forcingPatch != patch ? " and forcing_patch \(forcingPatch)" : "") needs; "
                            + "nearest sizes that work: \(nearest) (change the grid, or the patch sizes)")
    }
}

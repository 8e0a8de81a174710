/// Monthly forcings of one scenario, already normalised, aligned to calendar months.
///
/// `gridded` is [months, griddedChannels, height, width] at the full output grid (may have 0 channels);
/// `global` is [months, globalChannels] (e.g. CO2, CH4, cumulative CO2), broadcast to every cell.
public struct ForcingSeries: Sendable, Equatable {
    /// Calendar year of the first month (January).
    public var startYear: Int
    /// Number of months covered.
    public var months: Int
    /// Gridded channels per month.
    public var griddedChannels: Int
    /// Grid height of the gridded forcing (the full output grid).
    public var height: Int
    /// Grid width of the gridded forcing.
    public var width: Int
    /// [months, griddedChannels, height, width].
    public var gridded: [Float]
    /// Global (scalar) channels per month.
    public var globalChannels: Int
    /// [months, globalChannels].
    public var global: [Float]

    /// Creates a series and checks the array lengths.
    public init(startYear: Int, months: Int, griddedChannels: Int, height: Int, width: Int,
                gridded: [Float], globalChannels: Int, global: [Float]) throws {
        guard gridded.count == months * griddedChannels * height * width else {
            throw SPFModelError(.shapeMismatch, "forcing gridded has \(gridded.count) values, expected [\(months), \(griddedChannels), \(height), \(width)]")
        }
        guard global.count == months * globalChannels else {
            throw SPFModelError(.shapeMismatch, "forcing global has \(global.count) values, expected [\(months), \(globalChannels)]")
        }
        self.startYear = startYear
        self.months = months
        self.griddedChannels = griddedChannels
        self.height = height
        self.width = width
        self.gridded = gridded
        self.globalChannels = globalChannels
        self.global = global
    }

    /// Absolute month index (year·12 + month) of the first month.
    public var firstMonth: Int { startYear * 12 }

    /// Means over frames of `monthsPerFrame` months starting at absolute month `start`:
    /// gridded [frames, Cg, H, W] and global [frames, G]. Months outside the series are clamped to its ends.
    public func frames(start: Int, count: Int, monthsPerFrame: Int) -> (gridded: [Float], global: [Float]) {
        let plane = griddedChannels * height * width
        var g = [Float](repeating: 0, count: count * plane)
        var s = [Float](repeating: 0, count: count * globalChannels)
        let inv = 1 / Float(monthsPerFrame)
        for f in 0..<count {
            for m in 0..<monthsPerFrame {
                let idx = min(max(start + f * monthsPerFrame + m - firstMonth, 0), months - 1)
                if plane > 0 {
                    let src = idx * plane, dst = f * plane
                    for k in 0..<plane { g[dst + k] += gridded[src + k] * inv }
                }
                for k in 0..<globalChannels { s[f * globalChannels + k] += global[idx * globalChannels + k] * inv }
            }
        }
        return (g, s)
    }
}

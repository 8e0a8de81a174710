/// ClimateBench's normalised RMSEs (Watson-Parris et al. 2022), as in its scoring code.
///
/// With ⟨·⟩ the cos(φ)-weighted global mean, x the prediction (ensemble mean) and y the truth
/// (mean over truth members), both over the frames given (ClimateBench: 2080–2100, yearly):
/// - NRMSE_spatial = sqrt(⟨(mean_t x − mean_t y)²⟩) / |mean_t ⟨y⟩|  (error of the time-mean map)
/// - NRMSE_global  = sqrt(mean_t (⟨x_t⟩ − ⟨y_t⟩)²) / |mean_t ⟨y⟩|  (error of the global-mean series)
/// - total = NRMSE_spatial + 5 · NRMSE_global.
/// The normaliser is the absolute value of the truth's period- and global-mean; ClimateBench
/// scores anomalies, so pass the reference climatology as `reference` when fields are absolute.
public struct ClimateBenchNRMSE: Sendable, Equatable, Codable {
    /// NRMSE of the time-mean map.
    public var spatial: Double
    /// NRMSE of the global-mean series.
    public var global: Double
    /// `spatial + 5 * global`.
    public var total: Double { spatial + 5 * global }

    /// Creates the pair (normally via ``compute(prediction:truth:grid:reference:)``).
    public init(spatial: Double, global: Double) {
        self.spatial = spatial
        self.global = global
    }

    /// Computes the NRMSEs of `prediction` (`[M, T, lat, lon]`, its ensemble mean is scored)
    /// against `truth` (`[K, T, lat, lon]`, its member mean is the target).
    /// - Parameter reference: optional climatology `[lat, lon]` subtracted from both (anomalies).
    public static func compute(prediction: EnsembleField, truth: EnsembleField, grid: AreaWeightedGrid,
                               reference: [Float]? = nil) throws(EvaluationError) -> ClimateBenchNRMSE {
        guard prediction.cells == grid.cellCount, truth.cells == grid.cellCount,
              prediction.times == truth.times else {
            throw EvaluationError(.shapeMismatch, "NRMSE needs matching shapes: prediction [\(prediction.times), "
                                  + "\(prediction.cells)], truth [\(truth.times), \(truth.cells)], grid \(grid.cellCount)")
        }
        if let reference, reference.count != grid.cellCount {
            throw EvaluationError(.shapeMismatch, "reference has \(reference.count) cells, grid \(grid.cellCount)")
        }
        let t = truth.times, c = grid.cellCount
        let x = prediction.ensembleMeanDouble(), y = truth.ensembleMeanDouble()
        var xMap = [Double](repeating: 0, count: c), yMap = [Double](repeating: 0, count: c)
        var globalSq = 0.0
        for frame in 0..<t {
            let base = frame * c
            var gx = 0.0, gy = 0.0
            for cell in 0..<c {
                let w = grid.rowWeights[cell / grid.nlon]
                let ref = Double(reference?[cell] ?? 0)
                let xv = x[base + cell] - ref, yv = y[base + cell] - ref
                xMap[cell] += xv; yMap[cell] += yv
                gx += w * xv; gy += w * yv
            }
            let d = (gx - gy) / Double(c)
            globalSq += d * d
        }
        var sq = 0.0, truthMean = 0.0
        for cell in 0..<c {
            let w = grid.rowWeights[cell / grid.nlon]
            let d = (xMap[cell] - yMap[cell]) / Double(t)
            sq += w * d * d
            truthMean += w * yMap[cell] / Double(t)
        }
        let norm = abs(truthMean / Double(c))
        guard norm > 0 else {
            throw EvaluationError(.invalidArgument, "NRMSE normaliser |⟨ȳ⟩| is zero")
        }
        return ClimateBenchNRMSE(spatial: (sq / Double(c)).squareRoot() / norm,
                                 global: (globalSq / Double(t)).squareRoot() / norm)
    }
}

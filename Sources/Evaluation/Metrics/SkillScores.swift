/// The scores of one ensemble against one truth over a set of frames (one variable).
public struct SkillScores: Sendable, Equatable, Codable {
    /// Fair CRPS, cos(φ)-weighted over cells, averaged over frames and truth members.
    public var crps: Double
    /// RMSE of the ensemble mean: per frame and truth member `sqrt(Σ w (x̄ − y)² / Σ w)`, averaged.
    public var rmse: Double
    /// Mean error of the ensemble mean, `Σ w (x̄ − y) / Σ w`, averaged over frames and truth members.
    public var bias: Double
    /// Ensemble spread: square root of the weighted mean over cells and frames of the unbiased
    /// (divisor M − 1) ensemble variance; 0 for a one-member ensemble.
    public var spread: Double
    /// Root of the pooled weighted mean squared error of the ensemble mean (over cells, frames, truth members).
    public var pooledRMSE: Double
    /// Spread–skill ratio `sqrt((M + 1) / M) · spread / pooledRMSE`; 1 for a reliable ensemble, nil for M = 1.
    ///
    /// The factor corrects for the finite ensemble: for a reliable ensemble of M members,
    /// E[(x̄ − y)²] = (1 + 1/M)·σ² while the unbiased ensemble variance estimates σ².
    /// For antithetic pairs the ratio is `sqrt(σ² + Var(x̄)) / pooledRMSE` with Var(x̄) estimated from the
    /// pair means (σ²/M for independent members, so both forms agree there).
    public var spreadSkill: Double?
    /// Ensemble size M.
    public var members: Int
    /// Truth members the scores are averaged over.
    public var truthMembers: Int
    /// Frames scored.
    public var frames: Int

    /// Creates a score record (normally produced by ``EnsembleScorer``).
    public init(crps: Double, rmse: Double, bias: Double, spread: Double, pooledRMSE: Double,
                spreadSkill: Double?, members: Int, truthMembers: Int, frames: Int) {
        self.crps = crps
        self.rmse = rmse
        self.bias = bias
        self.spread = spread
        self.pooledRMSE = pooledRMSE
        self.spreadSkill = spreadSkill
        self.members = members
        self.truthMembers = truthMembers
        self.frames = frames
    }
}

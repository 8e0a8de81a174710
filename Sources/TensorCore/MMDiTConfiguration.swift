/// Shape of one MM-DiT block (validated at construction).
public struct MMDiTConfiguration: Sendable, Equatable, Codable {
    /// Model width `D`.
    public let width: Int
    /// Attention heads `H` (`D` must split into heads of even width `Dh`).
    public let heads: Int
    /// MLP hidden width as a multiple of `D` (hidden `F = mlpRatio · D`).
    public let mlpRatio: Int
    /// Width `Dc` of the conditioning vector that drives adaLN.
    public let conditionWidth: Int
    /// Whether the block has a second (context) token stream with its own weights.
    public let hasContext: Bool
    /// Whether queries and keys are RMS-normalised per head (QK-norm).
    public let qkNorm: Bool
    /// Epsilon of LayerNorm and RMSNorm.
    public let epsilon: Float

    /// A validated configuration.
    public init(width: Int, heads: Int, mlpRatio: Int = 4, conditionWidth: Int? = nil, hasContext: Bool = true,
                qkNorm: Bool = true, epsilon: Float = 1e-6) throws(TensorError) {
        guard width > 0, heads > 0, width % heads == 0, (width / heads) % 2 == 0 else {
            throw TensorError(.invalidConfiguration, "width \(width) must split into \(heads) heads of even width")
        }
        guard mlpRatio > 0 else { throw TensorError(.invalidConfiguration, "mlpRatio must be positive, got \(mlpRatio)") }
        let dc = conditionWidth ?? width
        guard dc > 0 else { throw TensorError(.invalidConfiguration, "conditionWidth must be positive, got \(dc)") }
        self.width = width
        self.heads = heads
        self.mlpRatio = mlpRatio
        self.conditionWidth = dc
        self.hasContext = hasContext
        self.qkNorm = qkNorm
        self.epsilon = epsilon
    }

    /// MLP hidden width `F`.
    public var hidden: Int { width * mlpRatio }
    /// Head width `Dh`.
    public var headDim: Int { width / heads }
}

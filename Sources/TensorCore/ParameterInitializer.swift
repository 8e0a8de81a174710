/// How a parameter is initialised when a ``ParameterStore`` is created.
public enum ParameterInitializer: Sendable, Equatable {
    /// All zeros (adaLN-Zero modulation, final projections).
    case zeros
    /// All `value`.
    case constant(Float)
    /// Normal with mean 0 and standard deviation `std`.
    case normal(std: Float)
    /// Uniform in ±√(6 / (fanIn + fanOut)) (Glorot/Xavier).
    case xavierUniform(fanIn: Int, fanOut: Int)
    /// Uniform in ±`bound`.
    case uniform(bound: Float)
}

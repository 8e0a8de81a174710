/// A two-layer energy-balance model of global-mean temperature (Held et al. 2010; Geoffroy
/// et al. 2013), with ocean-heat-uptake efficacy ε:
///
///     C  dT/dt  = F − λ T − ε γ (T − T_d)
///     C_d dT_d/dt =           γ (T − T_d)
///
/// T: upper (mixed-layer + atmosphere) temperature anomaly, K; T_d: deep-ocean anomaly, K;
/// F: effective radiative forcing, W m-2; λ = F_2x / ECS, W m-2 K-1; C, C_d: heat capacities,
/// W yr m-2 K-1; γ: heat exchange coefficient, W m-2 K-1. At equilibrium T = T_d = F / λ, so a
/// doubling of CO2 (F = F_2x) gives T = ECS whatever C, C_d, γ and ε are. ε > 1 makes the
/// effective sensitivity grow as the deep ocean warms (a global "pattern effect").
public struct EnergyBalanceParameters: Sendable, Hashable {
    /// Equilibrium climate sensitivity, K per CO2 doubling.
    public var ecs: Double
    /// Forcing of a CO2 doubling, W m-2 (AR6: 3.93).
    public var forcing2x: Double
    /// Upper-layer heat capacity C, W yr m-2 K-1.
    public var upperHeatCapacity: Double
    /// Deep-ocean heat capacity C_d, W yr m-2 K-1.
    public var deepHeatCapacity: Double
    /// Heat exchange coefficient γ, W m-2 K-1.
    public var exchange: Double
    /// Ocean-heat-uptake efficacy ε (1 = none).
    public var efficacy: Double

    /// Creates parameters.
    public init(ecs: Double, forcing2x: Double = 3.93, upperHeatCapacity: Double, deepHeatCapacity: Double,
                exchange: Double, efficacy: Double) {
        self.ecs = ecs
        self.forcing2x = forcing2x
        self.upperHeatCapacity = upperHeatCapacity
        self.deepHeatCapacity = deepHeatCapacity
        self.exchange = exchange
        self.efficacy = efficacy
    }

    /// Climate feedback parameter λ = F_2x / ECS, W m-2 K-1.
    public var feedback: Double { forcing2x / ecs }
}

/// The state of a two-layer energy-balance model and its time stepping (see
/// `EnergyBalanceParameters` for the equations). Integration is forward Euler with the given
/// step in years; for monthly steps (1/12 yr) and C ≥ 5 the scheme is stable and accurate to
/// well under 0.01 K against the exact solution.
public struct EnergyBalanceModel: Sendable, Hashable {
    /// Parameters.
    public var parameters: EnergyBalanceParameters
    /// Upper-layer temperature anomaly T, K.
    public var temperature: Double
    /// Deep-ocean temperature anomaly T_d, K.
    public var deepTemperature: Double

    /// A model at rest (T = T_d = 0).
    public init(_ parameters: EnergyBalanceParameters) {
        self.parameters = parameters
        self.temperature = 0
        self.deepTemperature = 0
    }

    /// Advances by `years` under constant forcing `forcing` (W m-2).
    public mutating func step(forcing: Double, years: Double) {
        let p = parameters
        let uptake = p.exchange * (temperature - deepTemperature)
        let dT = (forcing - p.feedback * temperature - p.efficacy * uptake) / p.upperHeatCapacity
        let dTd = uptake / p.deepHeatCapacity
        temperature += years * dT
        deepTemperature += years * dTd
    }

    /// Top-of-atmosphere imbalance N = F − λT − (ε − 1) γ (T − T_d), W m-2, at forcing `forcing`.
    public func imbalance(forcing: Double) -> Double {
        let p = parameters
        return forcing - p.feedback * temperature - (p.efficacy - 1) * p.exchange * (temperature - deepTemperature)
    }
}

import Foundation

/// FaIR 1.x's global temperature response (Millar et al. 2017): two boxes with time constants d (slow, fast),
/// each relaxing towards q·F, with q set from the transient and equilibrium climate response.
public struct ThermalResponse: Sendable {
    /// Transient climate response, K.
    public let tcr: Double
    /// Equilibrium climate sensitivity, K.
    public let ecs: Double
    /// Slow and fast time constants, years.
    public let timeConstants: [Double]
    /// Forcing of a CO2 doubling, W m-2.
    public let forcing2x: Double
    /// The q coefficients, K per W m-2.
    public let q: [Double]
    /// The two boxes' temperatures, K.
    public private(set) var boxes: [Double] = [0, 0]

    /// Creates a response at rest. FaIR 1.6's defaults: TCR 1.6 K, ECS 2.75 K, d = (239, 4.1) yr, F2x 3.71,
    /// doubling time of a 1 %/yr CO2 rise 69.661 yr.
    public init(tcr: Double = 1.6, ecs: Double = 2.75, timeConstants: [Double] = [239, 4.1], forcing2x: Double = 3.71,
                doublingTime: Double = 69.661) {
        self.tcr = tcr
        self.ecs = ecs
        self.timeConstants = timeConstants
        self.forcing2x = forcing2x
        let k = timeConstants.map { 1 - ($0 / doublingTime) * (1 - exp(-doublingTime / $0)) }
        let s = 1 / forcing2x / (k[0] - k[1])
        q = [s * (tcr - ecs * k[1]), s * (ecs * k[0] - tcr)]
    }

    /// The global-mean temperature anomaly, K.
    public var temperature: Double { boxes.reduce(0, +) }

    /// Steps one year under `forcing` (W m-2); returns the temperature.
    @discardableResult
    public mutating func step(forcing: Double) -> Double {
        for j in boxes.indices {
            let f = exp(-1 / timeConstants[j])
            boxes[j] = boxes[j] * f + q[j] * (1 - f) * forcing
        }
        return temperature
    }

    /// FaIR 1.x's first year: the boxes start at (q / d)·F.
    public mutating func start(forcing: Double) {
        for j in boxes.indices { boxes[j] = q[j] / timeConstants[j] * forcing }
    }
}

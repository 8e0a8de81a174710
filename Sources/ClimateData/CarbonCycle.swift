import Foundation

/// The state of the impulse-response carbon cycle (`CarbonCycleParameters`) and its yearly step, as FaIR 1.x
/// steps it: the year's scaling α comes from last year's cumulative uptake and temperature, the boxes decay
/// with time constants α·τ and take the year's emissions, and the uptake is updated with the trapezoidal
/// emissions of the two years.
public struct CarbonCycle: Sendable {
    /// The parameters.
    public let parameters: CarbonCycleParameters
    /// CO2 above pre-industrial held in each box, ppm.
    public private(set) var boxes: [Double]
    /// Cumulative carbon taken up by the land and ocean sinks since the start, GtC.
    public private(set) var cumulativeUptake: Double = 0
    /// This year's CO2 concentration, ppm.
    public private(set) var concentration: Double
    /// The emissions of the last step, GtC/yr.
    public private(set) var lastEmissions: Double
    /// The time-constant scaling α of the last step.
    public private(set) var alpha: Double = 1

    /// A cycle at pre-industrial equilibrium.
    public init(parameters: CarbonCycleParameters) {
        self.parameters = parameters
        boxes = Array(repeating: 0, count: parameters.partition.count)
        concentration = parameters.preindustrialPPM
        lastEmissions = 0
    }

    /// FaIR 1.x's first year: the year's emissions are already in the boxes (`R_i[0] = a E[0] / ppm_gtc`).
    public init(parameters: CarbonCycleParameters, firstYearEmissions e0: Double) {
        self.init(parameters: parameters)
        boxes = parameters.partition.map { $0 * e0 / parameters.gtcPerPPM }
        concentration = parameters.preindustrialPPM + boxes.reduce(0, +)
        lastEmissions = e0
    }

    /// The decay factors exp(−1 / (α τ)) of a year at `temperature` (K above pre-industrial), updating α.
    mutating func decay(temperature: Double) -> [Double] {
        let p = parameters
        let iirf = min(p.r0 + p.rc * cumulativeUptake + p.rt * temperature, p.iirfMax)
        alpha = Self.scaling(forIIRF: iirf, parameters: p)
        return p.timeConstants.map { exp(-1 / ($0 * alpha)) }
    }

    /// Steps one year with `emissions` (GtC/yr) at last year's `temperature`; returns the new concentration.
    @discardableResult
    public mutating func step(emissions: Double, temperature: Double) -> Double {
        let f = decay(temperature: temperature)
        for i in boxes.indices { boxes[i] = boxes[i] * f[i] + parameters.partition[i] * emissions / parameters.gtcPerPPM }
        advance(to: parameters.preindustrialPPM + boxes.reduce(0, +), emissions: emissions)
        return concentration
    }

    /// Steps one year to a given (observed) concentration: the emissions that bring the boxes there are
    /// inferred and returned (GtC/yr). Used over the historical years, so that the scenario starts from the
    /// observed atmosphere with sinks that have seen the observed history.
    @discardableResult
    public mutating func step(toConcentration target: Double, temperature: Double) -> Double {
        let f = decay(temperature: temperature)
        var decayed = 0.0
        for i in boxes.indices { boxes[i] *= f[i]; decayed += boxes[i] }
        let emissions = (target - parameters.preindustrialPPM - decayed) * parameters.gtcPerPPM
        let total = parameters.partition.reduce(0, +)
        for i in boxes.indices { boxes[i] += parameters.partition[i] / total * emissions / parameters.gtcPerPPM }
        advance(to: target, emissions: emissions)
        return emissions
    }

    private mutating func advance(to newConcentration: Double, emissions: Double) {
        cumulativeUptake += 0.5 * (emissions + lastEmissions) - (newConcentration - concentration) * parameters.gtcPerPPM
        concentration = newConcentration
        lastEmissions = emissions
    }

    /// The α for which α Σ aᵢ τᵢ (1 − exp(−H / (α τᵢ))) = iirf (monotonic in α; bisection in log α).
    static func scaling(forIIRF iirf: Double, parameters p: CarbonCycleParameters) -> Double {
        func integrated(_ a: Double) -> Double {
            var s = 0.0
            for (w, tau) in zip(p.partition, p.timeConstants) { s += w * tau * (1 - exp(-p.horizon / (tau * a))) }
            return a * s
        }
        var lo = log(1e-4), hi = log(1e4)
        for _ in 0..<80 {
            let mid = 0.5 * (lo + hi)
            if integrated(exp(mid)) > iirf { hi = mid } else { lo = mid }
        }
        return exp(0.5 * (lo + hi))
    }
}

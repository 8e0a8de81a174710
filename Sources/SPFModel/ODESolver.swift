/// How a stage integrates its flow ODE dx/du = v(x, τ(u)) over the stage window (u from 0 to 1).
///
/// Both run a uniform grid of `steps` steps; they differ in where they evaluate the velocity:
/// - `euler`: once per step, at its start (first order). With few steps it under-disperses: on a
///   Gaussian component of unit variance, 5 steps over [0, 1] end with about 0.77 of the right
///   standard deviation, 10 steps with 0.88.
/// - `midpoint`: twice per step, at the start and at the half step (the explicit midpoint rule,
///   second order). 2 steps (4 evaluations) end within about 2 % of the right standard deviation on
///   the same component, 3 steps within 1 %, where 10 Euler steps still lose 12 %.
public enum ODESolver: String, Codable, Sendable, CaseIterable {
    /// Explicit Euler: x ← x + Δu · v(x, τ(u)).
    case euler
    /// Explicit midpoint: x ← x + Δu · v(x + Δu/2 · v(x, τ(u)), τ(u + Δu/2)).
    case midpoint

    /// Velocity evaluations per step (the network's passes).
    public var evaluationsPerStep: Int {
        switch self {
        case .euler: return 1
        case .midpoint: return 2
        }
    }

    /// Integrates from `x` at the start of `window` to its end in `steps` uniform steps.
    ///
    /// `x` is consumed and stepped in place (a caller that passes `consume x` hands over its buffer), and the midpoint
    /// rule turns the first velocity into the midpoint state in place, so a step holds three latents (the state, the
    /// midpoint, the second velocity) rather than five: a stage node's latents are the member block's, so this is what
    /// a block costs beside the network's pass buffers.
    public func integrate(_ x: consuming [Float], window: StageWindow, steps: Int, context: StageContext,
                          velocity: any VelocityField) throws -> [Float] {
        guard steps >= 1 else { throw SPFModelError(.invalidConfiguration, "a stage needs at least one step, got \(steps)") }
        let items = context.shape.items
        func v(_ x: [Float], at u: Double) throws -> [Float] {
            let out = try velocity.velocity(x, tau: Array(repeating: window.tau(local: u), count: items), context: context)
            guard out.count == x.count else {
                throw SPFModelError(.shapeMismatch, "velocity has \(out.count) values for latent \(context.shape.dims)")
            }
            return out
        }
        let du = 1.0 / Double(steps)
        let fdu = Float(du), half = Float(du / 2)
        for s in 0..<steps {
            let u = Double(s) * du
            switch self {
            case .euler:
                let k1 = try v(x, at: u)
                for k in x.indices { x[k] += fdu * k1[k] }
            case .midpoint:
                // k1, then the midpoint x + Δu/2 · k1 in its place (the same sum as adding to a copy of x).
                var mid = try v(x, at: u)
                for k in mid.indices { mid[k] = x[k] + half * mid[k] }
                let k2 = try v(mid, at: u + du / 2)
                for k in x.indices { x[k] += fdu * k2[k] }
            }
        }
        return x
    }
}

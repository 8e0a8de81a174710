import Foundation

/// "Nice" tick values and labels for an axis range (steps of 1, 2, 2.5 or 5 × 10^k).
public struct AxisTicks: Sendable, Equatable {
    /// Tick positions in data units, ascending, inside the range.
    public let values: [Double]
    /// The step between ticks.
    public let step: Double

    /// About `target` ticks covering `lower...upper`.
    public init(lower: Double, upper: Double, target: Int = 5) {
        let span = upper - lower
        guard span.isFinite, span > 0 else {
            values = lower.isFinite ? [lower] : []
            step = 1
            return
        }
        let raw = span / Double(max(1, target))
        let magnitude = pow(10, floor(log10(raw)))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
        step = nice * magnitude
        var v: [Double] = []
        var k = ceil(lower / step - 1e-9)
        while k * step <= upper + step * 1e-9 {
            v.append(abs(k * step) < step * 1e-9 ? 0 : k * step)
            k += 1
        }
        values = v
    }

    /// Labels with just enough decimals for the step ("−" as the minus sign).
    public var labels: [String] { values.map { AxisTicks.format($0, step: step) } }

    /// Formats `value` with the decimals `step` needs.
    public static func format(_ value: Double, step: Double) -> String {
        var decimals = 0
        var s = step
        while decimals < 6, abs(s - s.rounded()) > 1e-9 * max(1, abs(s)) { s *= 10; decimals += 1 }
        let text = String(format: "%.\(decimals)f", abs(value))
        return value < 0 && Double(text) != 0 ? "−" + text : text
    }
}

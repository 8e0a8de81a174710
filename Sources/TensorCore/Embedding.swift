/// A learned lookup table: row `index` of a `[count, D]` table per sample (stage, timescale and
/// source-model embeddings). Backward scatters the output gradient back into the looked-up rows.
public struct Embedding: Sendable {
    /// Rows of the table (number of distinct indices).
    public let count: Int
    /// Width `D` of each row.
    public let features: Int
    /// Table slot, `[count, D]`.
    public let table: ParameterSlot

    /// Registers `name.weight` (`[count, features]`, normal with standard deviation `std`) in `layout`.
    public init(_ name: String, count: Int, features: Int, std: Float = 0.02, layout: inout ParameterLayout) {
        self.count = count
        self.features = features
        table = layout.add(name + ".weight", shape: [count, features], initializer: .normal(std: std))
    }

    /// `y[n, :] (+)= table[indices[n], :]`.
    /// - Parameters:
    ///   - indices: `[N]`, each in `0..<count` (callers validate user input first).
    ///   - y: `[N, D]`.
    ///   - accumulate: add into `y` instead of overwriting it.
    public func forward(_ indices: [Int], into y: Tensor, accumulate: Bool = false, parameters: ParameterStore) {
        precondition(y.count == indices.count * features, "Embedding: \(indices.count) indices, output \(y.shape)")
        let w = parameters.valuePointer(table), out = y.data, d = features
        for (n, index) in indices.enumerated() {
            precondition(index >= 0 && index < count, "Embedding: index \(index) outside 0..<\(count)")
            let src = w + index * d, dst = out + n * d
            if accumulate { for j in 0..<d { dst[j] += src[j] } } else { dst.update(from: src, count: d) }
        }
    }

    /// `dtable[indices[n], :] += dy[n, :]`, in order of `n` (deterministic).
    public func backward(_ dy: Tensor, indices: [Int], parameters: ParameterStore) {
        precondition(dy.count == indices.count * features, "Embedding backward: \(indices.count) indices, dy \(dy.shape)")
        let g = parameters.gradientPointer(table), src = dy.data, d = features
        for (n, index) in indices.enumerated() {
            precondition(index >= 0 && index < count, "Embedding: index \(index) outside 0..<\(count)")
            let dst = g + index * d, row = src + n * d
            for j in 0..<d { dst[j] += row[j] }
        }
    }
}

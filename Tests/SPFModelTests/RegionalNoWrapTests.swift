import Foundation
import SPFModel
import TensorCore
import Testing

/// A regional grid is not a circle: nothing in the emulator wraps longitude. The pyramid's block means and
/// replication keep the eastern edge's values off the western edge, and the fixed 2-D positions of the first and last
/// columns are as far apart as their distance says (a periodic encoding would make them neighbours).
@Suite struct RegionalNoWrapTests {
    @Test func pyramidOpsDoNotWrapLongitude() throws {
        let shape = FieldShape(items: 1, frames: 1, channels: 1, height: 4, width: 8)
        var x = [Float](repeating: 0, count: shape.count)
        for y in 0..<4 { x[y * 8 + 7] = 1 }                        // the easternmost column only
        let (down, ds) = try PyramidOps.down(x, shape, rt: 1, rh: 2, rw: 2)
        for y in 0..<ds.height { #expect(down[y * ds.width] == 0, "westernmost block got \(down[y * ds.width])") }
        let (up, us) = try PyramidOps.up(down, ds, rt: 1, rh: 2, rw: 2)
        for y in 0..<us.height { #expect(up[y * us.width] == 0 && up[y * us.width + 1] == 0) }
        #expect(up[7] == 0.5 && up[6] == 0.5)
    }

    @Test func positionsAreNotPeriodicInLongitude() {
        // The token centres the batch builder uses (col + 0.5) over two grid widths: a wrapping (periodic) encoding of a
        // 16-column grid would give column c and column c + 16 the same position.
        let columns = 16, d = 64
        let t = Tensor(zeros: [2 * columns, d])
        SinusoidalEmbedding.grid(rows: [Float](repeating: 0.5, count: 2 * columns), columns: (0..<(2 * columns)).map { Float($0) + 0.5 }, into: t)
        func distance(_ a: Int, _ b: Int) -> Float {
            var s: Float = 0
            for k in 0..<d { let v = t[flat: a * d + k] - t[flat: b * d + k]; s += v * v }
            return s.squareRoot()
        }
        for c in [0, 5, columns - 1] {
            #expect(distance(c, c + columns) > distance(c, c + 1), "column \(c) and \(c + columns): \(distance(c, c + columns))")
        }
    }
}

import Foundation
import SPFModel
import Testing

/// `PyramidOps.down`, the pyramid's block mean, gives the bits of its definition: each output cell sums its inputs
/// from zero in (frame, row, column) order, then takes the mean by one multiplication.
@Suite struct PyramidDownTests {
    /// The definition, element by element.
    static func definition(_ x: [Float], _ s: FieldShape, rt: Int, rh: Int, rw: Int) -> [Float] {
        let oh = s.height / rh, ow = s.width / rw, of = s.frames / rt
        var out = [Float](repeating: 0, count: s.items * of * s.channels * oh * ow)
        for i in 0..<s.items {
            for t in 0..<s.frames {
                for c in 0..<s.channels {
                    for y in 0..<s.height {
                        for xx in 0..<s.width {
                            let src = (((i * s.frames + t) * s.channels + c) * s.height + y) * s.width + xx
                            let dst = (((i * of + t / rt) * s.channels + c) * oh + y / rh) * ow + xx / rw
                            out[dst] += x[src]
                        }
                    }
                }
            }
        }
        let inv = 1 / Float(rt * rh * rw)
        return out.map { $0 * inv }
    }

    @Test func blockMeansHaveTheDefinitionsBits() throws {
        var rng = SystemRandomNumberGenerator()
        for (frames, height, width, rt, rh, rw) in [(12, 12, 18, 12, 2, 3), (2, 96, 144, 1, 8, 8), (3, 4, 6, 3, 1, 1),
                                                    (4, 6, 5, 2, 3, 5), (1, 2, 2, 1, 2, 1)] {
            let shape = FieldShape(items: 2, frames: frames, channels: 3, height: height, width: width)
            let x = (0..<shape.count).map { _ in Float.random(in: -300...300, using: &rng) }
            let (got, gotShape) = try PyramidOps.down(x, shape, rt: rt, rh: rh, rw: rw)
            #expect(gotShape.dims == [2, frames / rt, 3, height / rh, width / rw])
            let want = Self.definition(x, shape, rt: rt, rh: rh, rw: rw)
            #expect(got.map(\.bitPattern) == want.map(\.bitPattern), "\(shape.dims) by (\(rt), \(rh), \(rw))")
        }
    }

    @Test func emptyAndMismatchedFieldsAreHandled() throws {
        let empty = FieldShape(items: 1, frames: 1, channels: 1, height: 2, width: 0)
        #expect(try PyramidOps.down([], empty, rt: 1, rh: 2, rw: 1).0.isEmpty)
        #expect(throws: SPFModelError.self) { try PyramidOps.down([1, 2, 3], FieldShape(items: 1, frames: 1, channels: 1, height: 2, width: 2), rt: 1, rh: 2, rw: 2) }
    }
}

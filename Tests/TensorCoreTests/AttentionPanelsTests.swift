import CPackedGEMM
import Foundation
import Testing
import TensorCore

/// What attention's packed backward is built from, on every instruction set this CPU runs:
/// - the packed product with `A` stored transposed (`spf_packed_gemm_at`) gives the bits of the packed product on a
///   transposed copy of `A`;
/// - the score-tile steps that write 16-column panels (`spf_softmax_exp_panels`, `spf_score_gradient_panels`) give each
///   element the bits of the row-major steps, in the panel layout `spf_packed_gemm` reads, padding zero;
/// - `spf_transpose` moves every value to its transposed place.
@Suite struct AttentionPanelsTests {
    static func code(_ isa: KernelISA) -> Int32 { Int32(KernelISA.allCases.firstIndex(of: isa) ?? 0) }

    /// Tiles with whole and partial panels (n mod 16), rows below and above one register tile, k below and above 16.
    static let tiles: [(rows: Int, n: Int)] = [(1, 1), (3, 15), (8, 16), (13, 40), (64, 512), (40, 168), (7, 33)]

    /// Index of element (r, c) of a `rows`-row tile in panels `stride` apart (a padded and an unpadded stride).
    static func panelIndex(_ r: Int, _ c: Int, rows: Int) -> Int { (c / 16) * stride(rows) + r * 16 + c % 16 }
    static func stride(_ rows: Int) -> Int { rows % 2 == 0 ? 16 * rows : 16 * rows + 16 }

    @Test func transposedAGivesTheBitsOfATransposedCopy() {
        for (m, n, k) in [(1, 1, 1), (32, 512, 64), (32, 168, 40), (64, 50, 13), (5, 7, 3), (13, 33, 17), (32, 16, 0)] {
            transposedA(m: m, n: n, k: k)
        }
    }

    func transposedA(m: Int, n: Int, k: Int) {
        let lda = m + 3, ldc = n + 5
        let stored = GradientCheck.random([max(k * lda, 1)], seed: UInt64(m * 7 + n))
        let b = GradientCheck.random([max(k * n, 1)], seed: UInt64(n * 11 + k))
        let start = GradientCheck.random([m * ldc], seed: 5)
        // A as the definition reads it: m × k, row-major, from the k × m storage.
        var copy = [Float](repeating: 0, count: max(m * k, 1))
        for i in 0..<m { for kk in 0..<k { copy[i * k + kk] = stored[flat: kk * lda + i] } }
        var panels = [Float](repeating: 0, count: max(Int(spf_packed_gemm_floats(Int32(k), Int32(n))), 1))
        panels.withUnsafeMutableBufferPointer { spf_packed_gemm_pack(0, b.data, Int32(k), Int32(n), Int32(n), 0, $0.baseAddress) }
        for accumulate in [false, true] {
            for alpha: Float in [1, 0.125] {
                var want = start.toArray()
                copy.withUnsafeBufferPointer { a in
                    panels.withUnsafeBufferPointer { p in
                        want.withUnsafeMutableBufferPointer {
                            spf_packed_gemm(0, Int32(m), Int32(n), Int32(k), a.baseAddress, Int32(max(k, 1)), p.baseAddress,
                                            16 * k, 0, Int32((n + 15) / 16), alpha, nil, accumulate ? 1 : 0, $0.baseAddress, Int32(ldc))
                        }
                    }
                }
                for isa in KernelISA.supported {
                    var got = start.toArray()
                    panels.withUnsafeBufferPointer { p in
                        got.withUnsafeMutableBufferPointer {
                            spf_packed_gemm_at(Self.code(isa), Int32(m), Int32(n), Int32(k), stored.data, Int32(lda), p.baseAddress,
                                               16 * k, 0, Int32((n + 15) / 16), alpha, nil, accumulate ? 1 : 0, $0.baseAddress,
                                               Int32(ldc))
                        }
                    }
                    #expect(got.map(\.bitPattern) == want.map(\.bitPattern),
                            "\(isa), m \(m) n \(n) k \(k), accumulate \(accumulate), alpha \(alpha)")
                }
            }
        }
    }

    @Test func exponentialsInPanelsHaveTheRowStepsBits() {
        var rng = RandomStream(seed: 11)
        for (rows, n) in Self.tiles {
            let ld = n + 3
            let x = rng.normals(count: rows * ld).map { $0 * 5 }
            let shift = (0..<rows).map { r in x[(r * ld)..<(r * ld + n)].max() ?? 0 }
            // The definition: spf_softmax_exp of each row, portable.
            var want = [Float](repeating: 0, count: (n + 15) / 16 * Self.stride(rows))
            for r in 0..<rows {
                var y = [Float](repeating: 0, count: n)
                x.withUnsafeBufferPointer { xs in
                    y.withUnsafeMutableBufferPointer { _ = spf_softmax_exp(0, xs.baseAddress! + r * ld, $0.baseAddress, Int32(n), shift[r]) }
                }
                for c in 0..<n { want[Self.panelIndex(r, c, rows: rows)] = y[c] }
            }
            for isa in KernelISA.supported {
                // NaN first, so a padding lane left unwritten shows.
                var got = [Float](repeating: .nan, count: want.count)
                got.withUnsafeMutableBufferPointer {
                    spf_softmax_exp_panels(Self.code(isa), x, Int32(rows), Int32(n), Int32(ld), shift, $0.baseAddress, Self.stride(rows))
                }
                // The padding between panels (a padded stride's last 16 floats) is not the tile's: nothing reads it.
                for chunk in 0..<(n + 15) / 16 {
                    for i in (chunk * Self.stride(rows) + 16 * rows)..<((chunk + 1) * Self.stride(rows)) { got[i] = 0 }
                }
                #expect(got.map(\.bitPattern) == want.map(\.bitPattern), "\(isa), \(rows) × \(n)")
            }
        }
    }

    @Test func scoreGradientsInPanelsHaveTheRowStepsBits() {
        var rng = RandomStream(seed: 12)
        let scale: Float = 0.17677669
        for (rows, n) in Self.tiles {
            let ld = n + 2
            let p = rng.normals(count: rows * n).map { abs($0) * 0.1 }
            let g0 = rng.normals(count: rows * ld)
            let delta = rng.normals(count: rows)
            // The definition: (scale · p) · (g − delta), element by element.
            var wantRows = g0, wantPanels = [Float](repeating: 0, count: (n + 15) / 16 * Self.stride(rows))
            var panels0 = wantPanels
            for r in 0..<rows {
                for c in 0..<n {
                    let pv = p[r * n + c]
                    panels0[Self.panelIndex(r, c, rows: rows)] = pv
                    let ds = scale * pv * (g0[r * ld + c] - delta[r])
                    wantRows[r * ld + c] = ds
                    wantPanels[Self.panelIndex(r, c, rows: rows)] = ds
                }
            }
            for isa in KernelISA.supported {
                var g = g0, panels = panels0
                panels.withUnsafeMutableBufferPointer { pp in
                    g.withUnsafeMutableBufferPointer {
                        spf_score_gradient_panels(Self.code(isa), pp.baseAddress, $0.baseAddress, Int32(rows), Int32(n), Int32(ld),
                                                  delta, scale, Self.stride(rows))
                    }
                }
                #expect(g.map(\.bitPattern) == wantRows.map(\.bitPattern), "\(isa), \(rows) × \(n): rows")
                #expect(panels.map(\.bitPattern) == wantPanels.map(\.bitPattern), "\(isa), \(rows) × \(n): panels")
            }
        }
    }

    @Test func transposeMovesEveryValue() {
        for (rows, cols) in [(1, 1), (8, 8), (32, 3240), (9, 17), (64, 40), (3, 100)] {
            let lds = cols + 4, ldd = rows + 1
            let src = GradientCheck.random([rows * lds], seed: UInt64(rows + cols))
            for isa in KernelISA.supported {
                var dst = [Float](repeating: .nan, count: cols * ldd)
                dst.withUnsafeMutableBufferPointer {
                    spf_transpose(Self.code(isa), src.data, Int32(rows), Int32(cols), Int32(lds), $0.baseAddress, Int32(ldd))
                }
                var ok = true
                for r in 0..<rows { for c in 0..<cols where dst[c * ldd + r].bitPattern != src[flat: r * lds + c].bitPattern { ok = false } }
                #expect(ok, "\(isa), \(rows) × \(cols)")
            }
        }
    }
}

import Testing
import TensorCore

/// A product's blocks are a function of its shape alone, and a split product gives the same bytes
/// on any thread count.
@Suite struct GEMMRowBlocksTests {
    /// Blocks tile the rows in order, cut at multiples of 16 rows, within the work and count limits.
    @Test(arguments: [(1, 1, 1), (63, 512, 512), (64, 4096, 4096), (400, 128, 128), (400, 512, 128), (1728, 256, 1024),
                      (100_000, 64, 64), (4097, 1024, 1024), (130, 1000, 1000)])
    func blocksTileTheRows(m: Int, n: Int, k: Int) {
        let blocks = GEMMRowBlocks(m: m, n: n, k: k)
        #expect(blocks.count >= 1 && blocks.count <= GEMMRowBlocks.maximumBlocks)
        var next = 0
        for i in 0..<blocks.count {
            let rows = blocks.rows(of: i)
            #expect(rows.lowerBound == next, "block \(i) of m \(m) starts at \(rows.lowerBound), not \(next)")
            #expect(!rows.isEmpty, "block \(i) of m \(m) is empty")
            #expect(rows.lowerBound % GEMMRowBlocks.unit == 0)
            if blocks.count > 1 {
                #expect(rows.count >= GEMMRowBlocks.minimumRows - GEMMRowBlocks.unit,
                        "block \(i) of m \(m) has \(rows.count) rows")
                #expect(Double(rows.count) * Double(n) * Double(k) >= Double(GEMMRowBlocks.minimumWork) / 2)
            }
            next = rows.upperBound
        }
        #expect(next == m)
    }

    /// Small products stay whole; large ones are cut into a power of two of blocks, and the cut is
    /// the same value every time.
    @Test func smallProductsStayWholeAndLargeOnesAreCut() {
        #expect(GEMMRowBlocks(m: 400, n: 128, k: 128).count == 1)  // 6.6 M multiply-adds
        #expect(GEMMRowBlocks(m: 100, n: 4096, k: 4096).count == 1)  // fewer than 2 × 64 rows
        #expect(GEMMRowBlocks(m: 400, n: 512, k: 128).count == 2)  // 26 M: the least cut
        #expect(GEMMRowBlocks(m: 1728, n: 1024, k: 256).count == 4)  // 6.75 × 256 rows, rounded down to a power of two
        #expect(GEMMRowBlocks(m: 5184, n: 1024, k: 256).count == 16)
        #expect(GEMMRowBlocks(m: 100_000, n: 64, k: 64).count == 16)
        #expect(GEMMRowBlocks(m: 1728, n: 1024, k: 256) == GEMMRowBlocks(m: 1728, n: 1024, k: 256))
        for (m, n, k) in [(1000, 200, 300), (4097, 1024, 1024), (130, 1000, 1000)] {
            let count = GEMMRowBlocks(m: m, n: n, k: k).count
            #expect(count & (count - 1) == 0, "m \(m) n \(n) k \(k): \(count) blocks is not a power of two")
        }
    }

    /// A product is cut along its longer side: rows, or columns when it has more columns than rows
    /// (a weight gradient `[256, 1024]` over 1728 tokens is cut into column blocks).
    @Test func theLongerSideIsCut() {
        let wide = GEMMRowBlocks.cut(m: 256, n: 1024, k: 1728)
        #expect(wide.columns && wide.blocks == GEMMRowBlocks(m: 1024, n: 256, k: 1728) && wide.blocks.count == 4)
        let tall = GEMMRowBlocks.cut(m: 1728, n: 1024, k: 256)
        #expect(!tall.columns && tall.blocks == GEMMRowBlocks(m: 1728, n: 1024, k: 256))
        #expect(!GEMMRowBlocks.cut(m: 256, n: 256, k: 1728).columns)
    }

    /// Split products give the same bytes on 1, 2, 3 and 8 threads, for every transpose combination
    /// and with beta ≠ 0, including row counts that are not multiples of 12 or 16 (OpenBLAS's
    /// Haswell/Zen sgemm rounds a call's last rows differently, so moving a cut moves bits).
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func splitProductsAreBitIdenticalOnAnyThreadCount(ta: Bool, tb: Bool) {
        // Tall products (row blocks) and wide ones (column blocks), each cut into 4 blocks.
        for (m, n, k) in [(1100, 200, 300), (1031, 512, 128), (2050, 96, 160), (200, 1100, 300), (130, 1031, 160)] {
            let a = GradientCheck.random(ta ? [k, m] : [m, k], seed: 1)
            let b = GradientCheck.random(tb ? [n, k] : [k, n], seed: 2)
            let c0 = GradientCheck.random([m, n], seed: 3)
            #expect(GEMMRowBlocks.cut(m: m, n: n, k: k).blocks.count > 2, "m \(m) n \(n) k \(k) should be cut")
            var results: [[Float]] = []
            for threads in [1, 2, 3, 8] {
                let c = c0.clone()
                GEMM.multiply(a, ta ? .transposed : .none, b, tb ? .transposed : .none, into: c, alpha: 0.75, beta: 0.5,
                              context: ComputeContext(threads: threads))
                results.append(c.toArray())
            }
            for (i, r) in results.enumerated().dropFirst() {
                #expect(r == results[0], "m \(m) n \(n) k \(k): \([1, 2, 3, 8][i]) threads differ from 1")
            }
        }
    }

    /// The probe `spfflow doctor` runs: the same digest and losses on 1, 2, 3 and 8 threads.
    @Test func probeIsBitIdenticalOnAnyThreadCount() throws {
        let probe = DeterminismProbe()
        let outcomes = try [1, 2, 3, 8].map { try probe.run(context: ComputeContext(threads: $0)) }
        for (i, o) in outcomes.enumerated().dropFirst() {
            #expect(o == outcomes[0], "\([1, 2, 3, 8][i]) threads: digest \(o.digestHex) vs \(outcomes[0].digestHex)")
        }
        #expect(outcomes[0].losses.allSatisfy { $0.isFinite && $0 > 0 })
        #expect(outcomes[0].losses[1] < outcomes[0].losses[0], "the probe's loss should fall: \(outcomes[0].losses)")
    }
}

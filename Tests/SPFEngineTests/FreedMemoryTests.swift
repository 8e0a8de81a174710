import Foundation
import SPFEngine
import Testing

/// `FreedMemory.release()` (called by the node runner after every node) hands freed heap pages back to the
/// system: memory that a node freed but glibc kept for reuse stops counting in the process's resident size.
@Suite(.serialized) struct FreedMemoryTests {
    /// VmRSS of this process in bytes.
    static func residentBytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        let kib = try #require(line.split(separator: " ").dropFirst().first.flatMap { Int($0) })
        return kib * 1024
    }

    @Test func freedHeapMemoryLeavesTheResidentSet() throws {
        #if os(Linux)
        // 1 GiB in 64 KiB blocks (below glibc's mmap threshold, so they come from the arena's heaps), touched,
        // with a small block kept after every 16th: the pins stop glibc from shrinking any heap by itself, so it
        // keeps the freed memory resident for reuse (measured with 256 MiB: 263 MB kept, 2.5 MB after malloc_trim).
        // A gigabyte, so that what the suites running beside this one allocate meanwhile (tens of MiB, seen in CI)
        // cannot decide the outcome.
        let block = 64 * 1024, count = 16384
        let baseline = try Self.residentBytes()
        var blocks: [UnsafeMutableRawPointer] = [], pins: [UnsafeMutableRawPointer] = []
        blocks.reserveCapacity(count)
        for i in 0..<count {
            let p = UnsafeMutableRawPointer.allocate(byteCount: block, alignment: 16)
            p.initializeMemory(as: UInt8.self, repeating: 1, count: block)
            blocks.append(p)
            if i % 16 == 15 { pins.append(UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 16)) }
        }
        defer { for p in pins { p.deallocate() } }
        for p in blocks { p.deallocate() }
        let kept = try Self.residentBytes()
        FreedMemory.release()
        let released = try Self.residentBytes()
        // glibc sometimes returns part of it by itself; whatever it kept above the baseline, release() gives back
        // (at least half of it: other tests of this process may allocate meanwhile).
        let retained = kept - baseline, left = released - baseline
        #expect(retained < 128 * 1024 * 1024 || left < retained / 2,
                "resident \(baseline / 1_048_576) MiB before the blocks, \(kept / 1_048_576) MiB after freeing them, \(released / 1_048_576) MiB after release()")
        #endif
    }
}

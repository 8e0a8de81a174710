import Testing
import TensorCore

@Suite struct WorkspaceTests {
    /// `measure` counts what a build allocates as one chunk would carve it (alignment padding included), so a
    /// workspace of that chunk size holds the same allocations in one chunk, where the default chunks leave ends unused.
    @Test func measuredChunkHoldsTheBuildInOneChunk() {
        let shapes: [[Int]] = [[3, 5], [1000], [7, 11, 13], [1], [2048, 3], [17]]
        func build(_ w: Workspace) { for s in shapes { _ = w.allocate(s) } }
        let floats = Workspace.measure(build)
        #expect(floats >= shapes.reduce(0) { $0 + Tensor.elementCount($1) })
        let exact = Workspace(chunkSize: floats)
        build(exact)
        #expect(exact.chunkCount == 1)
        #expect(exact.used == floats)
        #expect(exact.capacity == floats)
        let grown = Workspace(chunkSize: 1024)
        build(grown)
        #expect(grown.chunkCount > 1)
        #expect(grown.capacity > floats)
    }
}

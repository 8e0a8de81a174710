import Testing
import TensorCore

@Test func moduleLinks() { #expect(!String(describing: TensorCoreInfo.self).isEmpty) }

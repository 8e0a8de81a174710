import Testing
import Pipelines

@Test func moduleLinks() { #expect(!String(describing: PipelinesInfo.self).isEmpty) }

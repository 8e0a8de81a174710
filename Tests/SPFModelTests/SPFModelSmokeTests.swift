import Testing
import SPFModel

@Test func moduleLinks() { #expect(!String(describing: SPFModelInfo.self).isEmpty) }

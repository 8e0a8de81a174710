import Testing
import SPFEngine

@Test func moduleLinks() { #expect(!String(describing: SPFEngineInfo.version).isEmpty) }

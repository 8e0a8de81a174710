import Testing
import ClimateData

@Test func moduleLinks() { #expect(!String(describing: ClimateDataInfo.self).isEmpty) }

import Testing
import Evaluation

@Test func moduleLinks() { #expect(!String(describing: EvaluationInfo.self).isEmpty) }

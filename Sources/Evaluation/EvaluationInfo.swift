public enum EvaluationInfo { public static let name = "Evaluation" }

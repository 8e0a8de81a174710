public enum PipelinesInfo { public static let name = "Pipelines" }

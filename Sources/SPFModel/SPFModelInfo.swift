public enum SPFModelInfo { public static let name = "SPFModel" }

public enum SPFEngineInfo { public static let version = "0.1.0" }

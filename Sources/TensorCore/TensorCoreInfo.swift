public enum TensorCoreInfo { public static let name = "TensorCore" }

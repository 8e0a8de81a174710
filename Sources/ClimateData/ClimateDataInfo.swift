public enum ClimateDataInfo { public static let name = "ClimateData" }

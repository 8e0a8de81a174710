import Foundation
import ClimateData

/// Locations shared by the forcing and simulator tests.
enum RCMIPTestSupport {
    /// Repository root (three levels above this file).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// The committed RCMIP extract directory.
    static let extractDirectory = repositoryRoot.appendingPathComponent(RCMIPForcingData.extractDirectory)

    /// The committed extract, parsed.
    static func extract() throws -> RCMIPForcingData {
        try RCMIPForcingData(directory: extractDirectory)
    }
}

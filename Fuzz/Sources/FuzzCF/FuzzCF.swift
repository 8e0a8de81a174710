import ClimateData
import CFuzzDriver
import Foundation

/// One libFuzzer input: the bytes as a netCDF file (classic or netCDF-4), written to a per-process
/// file in /dev/shm, then inspected and read the way `spfflow inspect` and `climate.curate` do:
/// every data variable's grid, time axis and values. Variables of more than 4 M values are described
/// but not read (a fuzzed header can declare any size). Errors are the expected outcome.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCF(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let path = "\(directory)/spfflow-fuzz-cf-\(getpid()).nc"
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size)) else { return 0 }
    defer { try? FileManager.default.removeItem(atPath: path) }
    CFFuzzBody.exercise(path: path)
    return 0
}

enum CFFuzzBody {
    static let maximumValues = 4_000_000

    /// Values a variable of this shape holds (Int.max on overflow).
    static func values(_ shape: [Int]) -> Int {
        shape.reduce(1) { total, length in
            let (product, overflow) = total.multipliedReportingOverflow(by: max(length, 0))
            return overflow ? Int.max : product
        }
    }

    static func exercise(path: String) {
        guard let reader = try? CFReader(path: path) else { return }
        let small = reader.file.variables.allSatisfy { values($0.shape) <= maximumValues }
        _ = try? CFInspection(path: path, scanData: small)
        for name in reader.dataVariables() {
            _ = try? reader.gridLayout(of: name)
            _ = try? reader.timeAxis(of: name)
            _ = try? reader.verticalAxis(of: name)
            guard let info = try? reader.file.variable(name), values(info.shape) <= maximumValues else { continue }
            _ = try? reader.read(name)
        }
    }
}

/// The entry point SwiftPM links as `main` for this target: libFuzzer's driver with the target above.
@_cdecl("FuzzCF_main")
public func fuzzCFMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzCF(data, size)
    }
}

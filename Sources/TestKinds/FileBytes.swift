import Foundation
import SPFEngine

/// `test.file-bytes`: reads a file named by a `path` param (whose content digest is part of the key)
/// and writes its bytes as int32 values.
public struct FileBytes: NodeKind {
    /// Kind name.
    public static let name = "test.file-bytes"
    /// Implementation version.
    public static let version = 1
    /// Summary.
    public static let summary = "The bytes of a file (a `path` param) as an int32 array [size]."
    /// Params.
    public struct Params: ParamSet {
        @Param("file", doc: "the file to read (relative to the manifest)")
        public var file: ParamPath

        /// The declarations.
        public init() {}
    }
    /// Makes the kind.
    public init() {}

    /// Writes dataset `bytes` [size].
    public func run(_ context: NodeContext) throws {
        let path = try context.params(Params.self).file.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError(.fileInput, "cannot read \(path)", node: context.nodeID)
        }
        try context.output().write("bytes", shape: [data.count], values: data.map { Int32($0) })
    }
}

/// The value of a `path` param: a file or directory outside the cache. The loader makes it absolute
/// (relative to the manifest) and the content digest of what it names enters the cache key.
public struct ParamPath: ParamRepresentable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The absolute path (empty when the manifest gave none and the default is empty).
    public let path: String

    /// Wraps a path.
    public init(_ path: String) { self.path = path }
    /// `var file: ParamPath = ""`
    public init(stringLiteral value: String) { self.path = value }

    /// Whether no path was given.
    public var isEmpty: Bool { path.isEmpty }
    /// The path.
    public var description: String { path }

    public static var paramType: ParamType { .path }
    public init?(paramValue: ParamValue) {
        guard case .string(let s) = paramValue else { return nil }
        self.path = s
    }
    public var paramValue: ParamValue { .string(path) }
}

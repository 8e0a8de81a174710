import Foundation

/// An error of the object store: a code, a message, and the file or key it concerns.
public struct StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// An HDF5 library call failed.
        case hdf5
        /// zstd compression or decompression failed.
        case codec
        /// A file-system operation failed.
        case io
        /// A write failed because the file system is full (ENOSPC) or the quota is used up (EDQUOT).
        case noSpace
        /// A caller passed a shape, dtype, name or value count that does not fit.
        case invalidArgument
        /// A dataset, attribute or object does not exist.
        case notFound
        /// Stored data does not match its recorded digest, or cannot be decoded.
        case corrupt
        /// A lease could not be taken in time.
        case leaseTimeout
        /// A record or lease file could not be parsed.
        case badRecord
    }

    /// The failure class.
    public let code: Code
    /// A human-readable description with context.
    public let message: String
    /// The file the failure concerns, when there is one.
    public let path: String?

    /// Makes an error.
    public init(_ code: Code, _ message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    /// `store error [code] message (path)`.
    public var description: String {
        if let path { return "store error [\(code.rawValue)] \(message) (\(path))" }
        return "store error [\(code.rawValue)] \(message)"
    }
}

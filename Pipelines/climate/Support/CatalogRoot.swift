import ClimateData
import Foundation
import SPFEngine

/// Where the files of a `climate.discover` catalog live, recorded as its output's `root` attribute (JSON)
/// so that the catalog's file paths can be relative to it: either the files directory of a committed store
/// object, named by its object key (the tree of an upstream node such as `climate.generate-suite`; resolved
/// through the store each time, so a cache that is moved, copied or mounted elsewhere stays readable), or a
/// directory on disk outside the cache (param `root`), kept as given.
struct CatalogRoot: Codable, Equatable, Sendable {
    /// Object key of the store object whose files directory holds the tree.
    var object: String?
    /// Folder inside that object's files directory (empty: its top).
    var subdirectory: String?
    /// A directory on disk, outside the cache.
    var directory: String?

    /// The files directory of store object `key` (plus `subdirectory`).
    static func storeObject(_ key: String, subdirectory: String) -> CatalogRoot {
        CatalogRoot(object: key, subdirectory: subdirectory.isEmpty ? nil : subdirectory, directory: nil)
    }

    /// A directory on disk.
    static func onDisk(_ path: String) -> CatalogRoot { CatalogRoot(object: nil, subdirectory: nil, directory: path) }

    /// The root of a discover output; nil for catalogs written before roots were recorded (their paths are absolute).
    static func of(_ catalog: StoredObject) throws -> CatalogRoot? {
        guard let text = catalog.attribute(CatalogObject.Attribute.root) else { return nil }
        do { return try JSONDecoder().decode(CatalogRoot.self, from: Data(text.utf8)) } catch {
            throw ClimateDataError(.malformed, "input \(catalog.key): its `root` attribute is not a catalog root (\(error))")
        }
    }

    /// The attribute value (canonical JSON).
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The directory this root names now: a store object is looked up (and checked) in `store`.
    func resolve(in store: ObjectStore?) throws -> URL {
        if let directory { return URL(fileURLWithPath: directory, isDirectory: true) }
        guard let object else { throw ClimateDataError(.malformed, "catalog root names neither a store object nor a directory") }
        guard let store else {
            throw ClimateDataError(.notFound, "catalog files live in store object \(object), but no store is open")
        }
        let files: URL
        switch store.lookup(object) {
        case .hit(let tree):
            guard let dir = tree.filesDirectory else {
                throw ClimateDataError(.notFound, "store object \(object) holding the catalogued DRS tree has no files directory", file: store.objectURL(object).path)
            }
            files = dir
        case .missing(let reason):
            throw ClimateDataError(.notFound, "store object \(object) holding the catalogued DRS tree is not in the cache (\(reason)); recompute the node that wrote it (e.g. --force it)", file: store.root.path)
        case .corrupt(let reason):
            throw ClimateDataError(.notFound, "store object \(object) holding the catalogued DRS tree is corrupt (\(reason))", file: store.objectURL(object).path)
        }
        guard let subdirectory, !subdirectory.isEmpty else { return files }
        return files.appendingPathComponent(subdirectory, isDirectory: true)
    }

    /// `path` relative to `root` when it lies under it, else unchanged.
    static func relative(_ path: String, to root: String) -> String {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}

import Foundation

/// Everything a node's cache key is computed from, kept so `plan` can say which part changed.
///
/// Key = SHA-256 of `canonicalText`: kind, kind version, key params after defaults (canonical JSON;
/// key order, comments and whitespace in the manifest never matter; non-key params excluded),
/// the object keys of its inputs (in input order), the seed, and the content digests of `path` params.
public struct KeyComponents: Codable, Sendable, Equatable {
    /// The kind name.
    public var kind: String
    /// The kind's implementation version.
    public var version: Int
    /// Key params (excluding `path` params) as canonical JSON text, by name.
    public var params: [String: String]
    /// Input name -> object keys of the bound upstream outputs, in order.
    public var inputs: [String: [String]]
    /// The seed.
    public var seed: UInt64
    /// `path` param name -> content digest of the file or directory it names.
    public var files: [String: String]

    /// Makes components.
    public init(kind: String, version: Int, params: [String: String], inputs: [String: [String]], seed: UInt64, files: [String: String]) {
        self.kind = kind
        self.version = version
        self.params = params
        self.inputs = inputs
        self.seed = seed
        self.files = files
    }

    /// The canonical text hashed into the key (a canonical JSON object with sorted keys).
    public var canonicalText: String {
        var out = "{\"files\":{"
        for (i, k) in files.keys.sorted().enumerated() {
            if i > 0 { out += "," }
            ParamValue.appendJSONString(k, to: &out)
            out += ":"
            ParamValue.appendJSONString(files[k] ?? "", to: &out)
        }
        out += "},\"inputs\":{"
        for (i, k) in inputs.keys.sorted().enumerated() {
            if i > 0 { out += "," }
            ParamValue.appendJSONString(k, to: &out)
            out += ":["
            for (j, key) in (inputs[k] ?? []).enumerated() {
                if j > 0 { out += "," }
                ParamValue.appendJSONString(key, to: &out)
            }
            out += "]"
        }
        out += "},\"kind\":"
        ParamValue.appendJSONString(kind, to: &out)
        out += ",\"params\":{"
        for (i, k) in params.keys.sorted().enumerated() {
            if i > 0 { out += "," }
            ParamValue.appendJSONString(k, to: &out)
            out += ":" + (params[k] ?? "null")
        }
        out += "},\"seed\":\(seed),\"version\":\(version)}"
        return out
    }

    /// The node key: lowercase hex SHA-256 of `canonicalText`.
    public var key: String { SHA256.hex(of: canonicalText) }

    /// The key of one output object of the node with key `nodeKey` (the store's rule: the node key for "out").
    public static func objectKey(nodeKey: String, output: String) -> String {
        ObjectStore.objectKey(nodeKey: nodeKey, output: output)
    }
}

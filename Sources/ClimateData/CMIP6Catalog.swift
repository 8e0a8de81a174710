import Foundation

/// One file of a CMIP6 dataset.
public struct CMIP6File: Sendable, Hashable {
    /// Full path.
    public var path: String
    /// Parsed name.
    public var name: CMIP6FileName
    /// Version directory (`v20190308`), or "" when the file is not under one.
    public var version: String

    /// Creates a file entry.
    public init(path: String, name: CMIP6FileName, version: String) {
        self.path = path; self.name = name; self.version = version
    }
}

/// Something noteworthy (not fatal) found while cataloguing or joining a dataset.
public struct CMIP6Issue: Sendable, Hashable, CustomStringConvertible {
    /// The kind of issue.
    public enum Kind: String, Sendable {
        /// Time is missing between two consecutive files.
        case gap
        /// Two files cover some of the same time.
        case overlap
        /// The dataset exists in several version directories; the latest was chosen.
        case duplicateVersion = "duplicate-version"
        /// A `.nc` file whose name is not a CMIP6 name (skipped).
        case unparsedName = "unparsed-name"
    }
    /// The kind.
    public var kind: Kind
    /// The dataset id, or the path for unparsed names.
    public var dataset: String
    /// A readable explanation naming the files.
    public var message: String

    /// `[gap] CESM2.historical…: message`.
    public var description: String { "[\(kind.rawValue)] \(dataset): \(message)" }
}

/// A CMIP6 dataset: all files of one (source_id, experiment, member, table, variable, grid) in
/// the chosen (latest) version, ordered by their start dates.
public struct CMIP6Dataset: Sendable, Hashable {
    /// `source.experiment.member.table.variable.grid`.
    public var id: String
    /// The chosen version.
    public var version: String
    /// The files, in time order.
    public var files: [CMIP6File]
    /// Versions that were present but not chosen.
    public var ignoredVersions: [String]

    /// Creates a dataset from its files (non-empty, in time order).
    public init(id: String, version: String, files: [CMIP6File], ignoredVersions: [String]) {
        self.id = id; self.version = version; self.files = files; self.ignoredVersions = ignoredVersions
    }

    /// Facets.
    public var sourceID: String { files[0].name.sourceID }
    /// experiment_id.
    public var experiment: String { files[0].name.experiment }
    /// member_id.
    public var member: String { files[0].name.member }
    /// table_id.
    public var table: String { files[0].name.table }
    /// variable_id.
    public var variable: String { files[0].name.variable }
    /// grid_label.
    public var grid: String { files[0].name.grid }
}

/// Walks a directory in the CMIP6 data reference syntax and groups files into datasets.
public struct CMIP6Catalog: Sendable {
    /// The datasets found, sorted by id.
    public var datasets: [CMIP6Dataset]
    /// Issues found while cataloguing (unparsed names, duplicate versions).
    public var issues: [CMIP6Issue]

    /// Walks `root` (any depth; version directories are those named `v<digits>` or `latest`)
    /// and keeps the files `selection` matches.
    public init(root: String, selection: CMIP6Selection = CMIP6Selection()) throws(ClimateDataError) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDir), isDir.boolValue else {
            throw ClimateDataError(.notFound, "CMIP6 root is not a directory", file: root)
        }
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw ClimateDataError(.notFound, "cannot list directory", file: root)
        }
        var files: [CMIP6File] = []
        var issues: [CMIP6Issue] = []
        var relPaths: [String] = []
        while let rel = walker.nextObject() as? String { if rel.hasSuffix(".nc") { relPaths.append(rel) } }
        relPaths.sort()
        for rel in relPaths {
            let path = (root as NSString).appendingPathComponent(rel)
            let name: CMIP6FileName
            do { name = try CMIP6FileName(parsing: rel) } catch {
                issues.append(CMIP6Issue(kind: .unparsedName, dataset: path, message: error.message))
                continue
            }
            guard selection.matches(name) else { continue }
            let parent = ((rel as NSString).deletingLastPathComponent as NSString).lastPathComponent
            let isVersion = parent == "latest" || (parent.hasPrefix("v") && parent.dropFirst().allSatisfy(\.isNumber) && parent.count > 1)
            files.append(CMIP6File(path: path, name: name, version: isVersion ? parent : ""))
        }
        var byID: [String: [CMIP6File]] = [:]
        for f in files { byID[f.name.datasetID, default: []].append(f) }
        var datasets: [CMIP6Dataset] = []
        for id in byID.keys.sorted() {
            let all = byID[id] ?? []
            let versions = Set(all.map(\.version)).sorted(by: CMIP6Catalog.versionOrder)
            guard let chosen = versions.last else { continue }
            let ignored = Array(versions.dropLast())
            if !ignored.isEmpty {
                issues.append(CMIP6Issue(kind: .duplicateVersion, dataset: id,
                                         message: "found in versions \(versions.map { $0.isEmpty ? "(none)" : $0 }.joined(separator: ", ")); using \(chosen), ignoring \(ignored.map { $0.isEmpty ? "(none)" : $0 }.joined(separator: ", "))"))
            }
            let chosenFiles = all.filter { $0.version == chosen }.sorted {
                ($0.name.startKey.lexicographicallyPrecedes($1.name.startKey)) || ($0.name.startKey == $1.name.startKey && $0.path < $1.path)
            }
            datasets.append(CMIP6Dataset(id: id, version: chosen, files: chosenFiles, ignoredVersions: ignored))
        }
        self.datasets = datasets
        self.issues = issues
    }

    /// Version order: `latest` after everything, then `v<date>` numerically, "" first.
    static func versionOrder(_ a: String, _ b: String) -> Bool {
        func rank(_ v: String) -> (Int, Int) {
            if v == "latest" { return (2, 0) }
            if v.isEmpty { return (0, 0) }
            return (1, Int(v.dropFirst()) ?? 0)
        }
        return rank(a) < rank(b)
    }
}

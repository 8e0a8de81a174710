import Foundation

extension EngineSession {
    /// The lines of string attribute `name` on the committed outputs of the nodes `record` covers
    /// (cached or ran; in manifest order, then output order), each distinct line once.
    ///
    /// `spfflow run` prints `figures` this way at its end, so the headline `figure <name> = <value>`
    /// lines a kind stores on its output (e.g. an evaluation) close the log of every run, whether the
    /// node ran or came from the cache. The engine knows nothing of what the lines mean.
    public func outputAttributeLines(_ name: String, of record: RunRecord) -> [String] {
        var lines: [String] = []
        var seen = Set<String>()
        for (i, entry) in record.nodes.enumerated() where i < manifest.nodes.count {
            guard [.cached, .ran, .computedElsewhere].contains(entry.status) else { continue }
            for output in manifest.nodes[i].kind.outputs {
                guard let key = entry.objects[output], case .hit(let object) = store.lookup(key),
                      let text = object.attribute(name) else { continue }
                for line in text.split(whereSeparator: \.isNewline).map(String.init) where !line.isEmpty {
                    if seen.insert(line).inserted { lines.append(line) }
                }
            }
        }
        return lines
    }
}

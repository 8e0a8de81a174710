import Foundation
import Evaluation

/// The elements of an SVG document the renderers wrote, for checking what a figure draws: each
/// element's name, attributes and the `class` of every group it sits in.
struct SVGElements {
    struct Element {
        var name: String
        var attributes: [String: String]
        var groups: [String]
        var text: String

        func number(_ key: String) -> Double? { attributes[key].flatMap(Double.init) }
        /// The `points` attribute as (x, y) pairs.
        var points: [(Double, Double)] {
            (attributes["points"] ?? "").split(separator: " ").compactMap { pair in
                let xy = pair.split(separator: ",").compactMap { Double($0) }
                return xy.count == 2 ? (xy[0], xy[1]) : nil
            }
        }
    }

    var elements: [Element] = []

    init(_ document: String) {
        var groups: [String] = []
        var rest = Substring(document)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            if tag.hasPrefix("/") {
                if tag == "/g" { groups.removeLast() }
                continue
            }
            let name = String(tag.prefix { $0.isLetter })
            var attributes: [String: String] = [:]
            var scan = tag.dropFirst(name.count)
            while let eq = scan.firstIndex(of: "=") {
                let key = scan[..<eq].trimmingCharacters(in: .whitespaces)
                guard let valueStart = scan.index(eq, offsetBy: 2, limitedBy: scan.endIndex),
                      let end = scan[valueStart...].firstIndex(of: "\"") else { break }
                attributes[key] = String(scan[valueStart..<end])
                scan = scan[scan.index(after: end)...]
            }
            if name == "g" { groups.append(attributes["class"] ?? ""); continue }
            var text = ""
            if name == "text", let end = rest.firstIndex(of: "<") { text = String(rest[..<end]) }
            elements.append(Element(name: name, attributes: attributes, groups: groups, text: text))
        }
    }

    /// The elements named `name` inside a group of class `group` (any group when nil).
    func named(_ name: String, in group: String? = nil) -> [Element] {
        elements.filter { $0.name == name && (group == nil || $0.groups.contains(group!)) }
    }
}

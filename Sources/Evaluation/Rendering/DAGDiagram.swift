/// Draws a run's DAG at the level of node kinds: one box per kind (how many nodes, how many ran
/// or came from the cache, their summed wall time), arranged top-down in dependency layers, with
/// arrows where nodes of one kind feed nodes of another. Hundreds of block nodes stay readable.
public enum DAGDiagram {
    /// Renders the kind-level diagram of `nodes`.
    public static func render(_ nodes: [DAGNodeStatus], fontSize f: Double = 13) -> SVGCanvas {
        var kinds: [String] = []
        var kindOf: [String: String] = [:]
        for n in nodes {
            kindOf[n.name] = n.kind
            if !kinds.contains(n.kind) { kinds.append(n.kind) }
        }
        guard !kinds.isEmpty else { return SVGCanvas(width: 1, height: 1) }
        var edges = Set<[Int]>()
        for n in nodes {
            guard let to = kinds.firstIndex(of: n.kind) else { continue }
            for input in n.inputs {
                if let k = kindOf[input], let from = kinds.firstIndex(of: k), from != to { edges.insert([from, to]) }
            }
        }
        // Longest-path layering; at most kinds.count relaxation rounds (a kind-level cycle just stops growing).
        var layer = [Int](repeating: 0, count: kinds.count)
        for _ in 0..<kinds.count {
            var changed = false
            for e in edges where layer[e[1]] < layer[e[0]] + 1 && layer[e[0]] + 1 < kinds.count {
                layer[e[1]] = layer[e[0]] + 1
                changed = true
            }
            if !changed { break }
        }
        // Long edges pass through thin dummy slots in the layers they cross (Sugiyama-style), and
        // each layer is ordered by the mean position of its predecessors to limit crossings.
        let layerCount = (layer.max() ?? 0) + 1
        var slots: [[Int]] = (0..<layerCount).map { l in kinds.indices.filter { layer[$0] == l } }
        var chains: [[Int]] = []  // per edge: slot ids from source kind through dummies to target kind
        var slotCount = kinds.count
        for e in edges.sorted(by: { ($0[0], $0[1]) < ($1[0], $1[1]) }) where layer[e[1]] > layer[e[0]] {
            var chain = [e[0]]
            for l in (layer[e[0]] + 1)..<layer[e[1]] { slots[l].append(slotCount); chain.append(slotCount); slotCount += 1 }
            chain.append(e[1])
            chains.append(chain)
        }
        var predecessors = [[Int]](repeating: [], count: slotCount)
        for chain in chains { for i in 1..<chain.count { predecessors[chain[i]].append(chain[i - 1]) } }
        var position = [Double](repeating: 0, count: slotCount)
        for l in 0..<layerCount { for (i, id) in slots[l].enumerated() { position[id] = Double(i) } }
        for _ in 0..<3 {
            for l in 1..<max(1, layerCount) {
                let key: (Int) -> Double = { id in
                    let p = predecessors[id]
                    return p.isEmpty ? position[id] : p.reduce(0) { $0 + position[$1] } / Double(p.count)
                }
                slots[l].sort { (key($0), $0) < (key($1), $1) }
                for (i, id) in slots[l].enumerated() { position[id] = Double(i) }
            }
        }
        // Box texts.
        let summaries = ReportWriter.kindSummaries(nodes)
        func lines(_ k: Int) -> [String] {
            guard let sm = summaries.first(where: { $0.kind == kinds[k] }) else { return [kinds[k]] }
            var status = "\(sm.nodes) node\(sm.nodes == 1 ? "" : "s"): \(sm.ran) ran, \(sm.cached) cached"
            if sm.failed > 0 { status += ", \(sm.failed) failed" }
            return [kinds[k], status, ReportWriter.seconds(sm.seconds)]
        }
        let lineH = 1.45 * f
        let boxW = (kinds.indices.flatMap { lines($0) }.map { SVGCanvas.textWidth($0, size: f) }.max() ?? 100) + 28
        let boxH = 3 * lineH + 12
        let dummyW = 24.0, gapX = 28.0, gapY = 56.0, margin = 20.0
        func slotWidth(_ id: Int) -> Double { id < kinds.count ? boxW : dummyW }
        let rowWidths = slots.map { row in row.reduce(0) { $0 + slotWidth($1) } + Double(max(0, row.count - 1)) * gapX }
        let width = margin * 2 + (rowWidths.max() ?? boxW)
        let height = margin * 2 + Double(layerCount) * boxH + Double(layerCount - 1) * gapY
        var svg = SVGCanvas(width: width, height: height)
        var origin = [(Double, Double)](repeating: (0, 0), count: slotCount)
        for (l, row) in slots.enumerated() {
            var x = (width - rowWidths[l]) / 2
            for id in row {
                origin[id] = (x, margin + Double(l) * (boxH + gapY))
                x += slotWidth(id) + gapX
            }
        }
        for chain in chains {
            var points: [(Double, Double)] = []
            for (i, id) in chain.enumerated() {
                let (x, y) = origin[id]
                let cx = x + slotWidth(id) / 2
                if i == 0 { points.append((cx, y + boxH)) }
                else if i == chain.count - 1 { points.append((cx, y - 1)) }
                else { points.append((cx, y)); points.append((cx, y + boxH)) }
            }
            svg.polyline(points, stroke: .mid, width: 1.5)
            guard let (x1, y1) = points.last, points.count > 1 else { continue }
            let (x0, y0) = points[points.count - 2]
            let dx = x1 - x0, dy = y1 - y0, len = max(1, (dx * dx + dy * dy).squareRoot())
            let ux = dx / len, uy = dy / len
            svg.polygon([(x1, y1), (x1 - 10 * ux + 5 * uy, y1 - 10 * uy - 5 * ux), (x1 - 10 * ux - 5 * uy, y1 - 10 * uy + 5 * ux)],
                        fill: .mid)
        }
        for k in kinds.indices {
            let (x, y) = origin[k]
            let sm = summaries.first { $0.kind == kinds[k] }
            let accent: RGBColor = (sm?.failed ?? 0) > 0 ? RGBColor(hex: 0xB2182B)
                : (sm?.ran ?? 0) > 0 ? RGBColor(hex: 0x2166AC) : RGBColor(hex: 0x1B7837)
            svg.rect(x: x, y: y, width: boxW, height: boxH, fill: accent.mixed(with: .white, 0.88), stroke: accent)
            svg.rect(x: x, y: y, width: 6, height: boxH, fill: accent)
            for (i, text) in lines(k).enumerated() {
                svg.text(text, x: x + 14, y: y + 6 + Double(i) * lineH + f, size: f, color: i == 0 ? .text : RGBColor(hex: 0x555555))
            }
        }
        return svg
    }
}

import ArgumentParser
import CommandSupport
import Foundation
import Pipelines
import SPFEngine

/// `spfflow graph MANIFEST`: the DAG as DOT and as Mermaid.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the manifest's DAG as Graphviz DOT and as Mermaid.")

    @Argument(help: "The manifest (YAML).")
    var manifest: String

    @Option(name: .long, help: "Which format: both, dot, mermaid.")
    var format: String = "both"

    func run() throws {
        try reportingEngineErrors {
            guard ["both", "dot", "mermaid"].contains(format) else { throw EngineError(.usage, "--format must be both, dot or mermaid") }
            let m = try ManifestLoader(registry: CommandKinds.registry).load(path: manifest)
            let r = GraphRenderer(NodeGraph(m))
            var text = ""
            if format != "mermaid" { text += (format == "both" ? "// DOT\n" : "") + r.dot() }
            if format == "both" { text += "\n%% Mermaid\n" }
            if format != "dot" { text += r.mermaid() }
            StandardStreams.out(text)
        }
    }
}

import ArgumentParser
import CommandSupport
import Pipelines
import SPFEngine

/// `spfflow kinds [NAME] [--markdown]`: the node kinds manifests may name, from their declarations.
struct KindsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kinds",
        abstract: "List the node kinds, or print one kind's params, inputs and outputs.",
        discussion: "`spfflow kinds --markdown` prints the reference page docs/reference/kinds.md.")

    @Argument(help: "A kind's name (for example spf.stage).")
    var name: String?

    @Flag(name: .long, help: "Print every kind as the Markdown reference page.")
    var markdown = false

    func validate() throws {
        if markdown && name != nil { throw ValidationError("--markdown prints every kind; give no NAME") }
    }

    func run() throws {
        let reference = KindReference(registry: CommandKinds.registry)
        if markdown { return StandardStreams.out(reference.markdown()) }
        guard let name else { return StandardStreams.out(reference.list()) }
        guard let kind = CommandKinds.registry.kind(named: name) else {
            throw ValidationError("unknown kind '\(name)' (known kinds: \(CommandKinds.registry.names.joined(separator: ", ")))")
        }
        StandardStreams.out(reference.text(kind))
    }
}

/// A set of params declared by their own ``ParamSet`` and included whole in a kind's params (like
/// swift-argument-parser's `@OptionGroup`): `@ParamGroup var cmip: CMIPPublicationSettings.Params`.
/// The group's params are the kind's, at the same level of the manifest's `params:`.
@propertyWrapper
public struct ParamGroup<Group: ParamSet>: Decodable, Sendable {
    /// The group's values (its declared defaults outside a decoded node's params).
    public var wrappedValue: Group

    /// Includes `Group`'s params.
    public init() { wrappedValue = Group() }

    /// Reads the group's values from the node's params.
    public init(from decoder: any Decoder) throws {
        guard let element = decoder as? ParamElementDecoder, element.declaration is ParamGroup<Group> else {
            throw ParamProblem(param: decoder.codingPath.last?.stringValue ?? "?", "a @ParamGroup is read only through `context.params(_:)`")
        }
        wrappedValue = try Group.decode(values: element.values)
    }
}

extension ParamGroup: ParamDeclaration {
    var declaredSpecs: [ParamSpec] { Group.paramSpecs }
}

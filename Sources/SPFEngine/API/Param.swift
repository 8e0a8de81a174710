/// One param of a node kind, declared once where the kind's `Params` struct stores it, in the style
/// of swift-argument-parser's `@Option`: the name manifests use, the Swift type (which gives the
/// manifest type and, for a ``ParamChoice`` enum, the allowed values), the default (the property's
/// initial value; none: required), constraints, whether it is in the cache key, an earlier name, and
/// the doc line. The engine's ``ParamSpec`` list is derived from these declarations (``ParamSet``).
///
/// ```swift
/// struct Params: ParamSet {
///     @Param("stage", .atLeast(0), doc: "pyramid stage to run") var stage: Int
///     @Param("solver", doc: "ODE solver") var solver: ODESolver = .euler
///     @Param("checkpoint_every", .atLeast(1), key: false, doc: "steps between checkpoints") var checkpointEvery = 100
/// }
/// ```
///
/// `$stage` is the declaration itself: `throw $memberStart.problem("…")` in ``ParamSet/validate()``
/// points the load-time error at that param's line. A declaration several kinds share is a static
/// `Param` value passed whole: `@Param(SharedParams.solver) var solver: ODESolver`.
@propertyWrapper
public struct Param<Value: ParamRepresentable>: Decodable, Sendable {
    /// The declaration as the engine sees it.
    public let spec: ParamSpec
    private var value: Value?

    /// The node's value (after `context.params(_:)`), or the default in a declaration.
    public var wrappedValue: Value {
        get {
            guard let value else {
                preconditionFailure("param '\(spec.name)' is required: it has a value only in params decoded by `context.params(_:)`")
            }
            return value
        }
        set { value = newValue }
    }

    /// The declaration (`$stage.spec`, `$stage.problem(…)`).
    public var projectedValue: Param<Value> { self }

    /// A param with a default: `@Param("steps", .atLeast(0), doc: "…") var steps = 1000`.
    public init(wrappedValue: Value, _ name: String, _ constraints: ParamConstraint..., key: Bool = true,
                deprecatedName: String? = nil, doc: String) {
        spec = ParamSpec(name, Value.paramType, default: wrappedValue.paramValue, key: key, Value.implicitConstraints + constraints,
                         deprecatedName: deprecatedName, doc: doc)
        value = wrappedValue
    }

    /// A required param: `@Param("stage", .atLeast(0), doc: "…") var stage: Int`.
    public init(_ name: String, _ constraints: ParamConstraint..., key: Bool = true, deprecatedName: String? = nil, doc: String) {
        spec = ParamSpec(name, Value.paramType, default: nil, key: key, Value.implicitConstraints + constraints,
                         deprecatedName: deprecatedName, doc: doc)
        value = nil
    }

    /// A declaration shared by several kinds (a static `Param`), used whole.
    public init(_ declaration: Param<Value>) { self = declaration }

    /// A cross-param check's failure pointing at this param (thrown from ``ParamSet/validate()``).
    public func problem(_ message: String) -> ParamProblem { ParamProblem(param: spec.name, message) }

    /// Reads the node's value; only ``ParamSet/decode(_:)`` supplies the decoder.
    public init(from decoder: any Decoder) throws {
        guard let element = decoder as? ParamElementDecoder, let declared = element.declaration as? Param<Value> else {
            throw ParamProblem(param: decoder.codingPath.last?.stringValue ?? "?", "a @Param is read only through `context.params(_:)`")
        }
        spec = declared.spec
        guard let raw = element.values[spec.name] ?? spec.defaultValue else {
            throw ParamProblem(param: spec.name, "missing required param '\(spec.name)' (\(spec.type))")
        }
        guard let v = Value(paramValue: raw) else {
            throw ParamProblem(param: spec.name, "value \(raw.display) is not a \(Value.self) (\(spec.type))")
        }
        value = v
    }
}

/// What the declarations of a ``ParamSet`` are made of (a ``Param`` or a ``ParamGroup``).
protocol ParamDeclaration {
    /// The params it declares, in order.
    var declaredSpecs: [ParamSpec] { get }
}

extension Param: ParamDeclaration {
    var declaredSpecs: [ParamSpec] { [spec] }
}

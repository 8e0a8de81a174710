/// The `Decoder` that fills a ``ParamSet`` from a node's checked params: its synthesized
/// `init(from:)` asks for each wrapper by property name, and each ``Param`` reads its value by its
/// declared manifest name. Anything but `@Param`/`@ParamGroup` properties is a kind contract error.
struct ParamSetDecoder: Decoder {
    let values: [String: ParamValue]
    let declarations: [String: any ParamDeclaration]
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(ParamSetContainer<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw ParamSetDecoder.misuse(codingPath) }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { throw ParamSetDecoder.misuse(codingPath) }

    static func misuse(_ path: [any CodingKey]) -> ParamProblem {
        let name = path.last?.stringValue ?? "?"
        return ParamProblem(param: name, "property '\(name)' of a ParamSet is not a @Param or @ParamGroup")
    }
}

/// What one wrapper's `init(from:)` receives: the node's values and the wrapper's own declaration.
struct ParamElementDecoder: Decoder {
    let values: [String: ParamValue]
    let declaration: any ParamDeclaration
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> { throw ParamSetDecoder.misuse(codingPath) }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw ParamSetDecoder.misuse(codingPath) }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { throw ParamSetDecoder.misuse(codingPath) }
}

struct ParamSetContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: ParamSetDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { decoder.declarations.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { decoder.declarations[key.stringValue] != nil }
    func decodeNil(forKey key: Key) throws -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        guard let declaration = decoder.declarations[key.stringValue] else { throw misuse(key) }
        return try T(from: ParamElementDecoder(values: decoder.values, declaration: declaration, codingPath: codingPath + [key]))
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { throw misuse(key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { throw misuse(key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { throw misuse(key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw misuse(key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { throw misuse(key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { throw misuse(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { throw misuse(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { throw misuse(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { throw misuse(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { throw misuse(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { throw misuse(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { throw misuse(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { throw misuse(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { throw misuse(key) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw misuse(key)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw misuse(key) }
    func superDecoder() throws -> any Decoder { throw ParamSetDecoder.misuse(codingPath) }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw misuse(key) }

    private func misuse(_ key: Key) -> ParamProblem { ParamSetDecoder.misuse(codingPath + [key]) }
}

import Evaluation
import SPFEngine

extension EnsembleProduct {
    /// The ensemble of `variable` in a stored product, `[member, time, lat, lon]` on `grid`, with its antithetic
    /// partners when the product records them (so every score and map of it uses the estimators for pairs).
    static func ensemble(_ object: StoredObject, variable: String, grid: AreaWeightedGrid,
                         node: String) throws -> EnsembleField {
        let (shape, values) = try object.readFloats(variable)
        guard shape.count == 4 else {
            throw EngineError(.nodeFailed, "product \(object.key): \(variable) has shape \(shape), expected [member, time, lat, lon]", node: node)
        }
        let field = try EnsembleField(members: shape[0], times: shape[1], grid: grid, values: values)
        guard let ids = try antitheticMemberIDs(object, members: shape[0], node: node) else { return field }
        return try field.pairing(antitheticMemberIDs: ids)
    }
}

import Foundation
import SPFEngine
import SPFModel

/// The `normaliser` object `spf.norm-stats` stores; read by `spf.train`.
///
/// Attribute `normalizer` (JSON of SPFModel's `Normalizer`), and for inspection datasets `field_mean`,
/// `field_std` `[C]` and `forcing_mean`, `forcing_std` `[G]`; with the per-cell climatology `field_climatology`
/// `[ESM, calendar month, C, lat, lon]` (ESM order in attribute `climatology_sources`); with pattern scaling,
/// `field_climatology` holds the intercepts and `field_forcing_slopes` `[ESM, calendar month, forcing, C, lat, lon]`
/// the slopes per normalised global forcing; with per-cell stds, `field_cell_std` `[ESM, C, lat, lon]`.
enum NormaliserObject {
    /// The schema inputs declare to take this object.
    static let schema = ObjectSchema("normaliser", "normalisation statistics, spf.norm-stats")

    /// Attribute names.
    enum Attribute {
        static let normalizer = "normalizer"
        static let climatologySources = "climatology_sources"
    }

    /// Dataset names.
    enum Dataset {
        static let fieldMean = "field_mean"
        static let fieldStd = "field_std"
        static let forcingMean = "forcing_mean"
        static let forcingStd = "forcing_std"
        static let fieldClimatology = "field_climatology"
        static let fieldForcingSlopes = "field_forcing_slopes"
        static let fieldCellStd = "field_cell_std"
    }

    /// Writes `norm` of `channels` variables; the per-cell arrays on the `height`×`width` grid when known.
    static func write(_ norm: Normalizer, channels: Int, height: Int?, width: Int?, to out: ObjectWriter) throws {
        try out.setAttribute(Attribute.normalizer, try ObjectJSON.json(norm))
        try out.write(Dataset.fieldMean, shape: [norm.fieldMean.count], values: norm.fieldMean)
        try out.write(Dataset.fieldStd, shape: [norm.fieldStd.count], values: norm.fieldStd)
        try out.write(Dataset.forcingMean, shape: [norm.globalMean.count], values: norm.globalMean)
        try out.write(Dataset.forcingStd, shape: [norm.globalStd.count], values: norm.globalStd)
        if let climatology = norm.climatology, let h = height, let w = width {
            try out.write(Dataset.fieldClimatology, shape: [climatology.sourceIDs.count, 12, channels, h, w], values: climatology.values)
            try out.setAttribute(Attribute.climatologySources, try ObjectJSON.json(climatology.sourceIDs))
            if climatology.forcingChannels > 0 {
                try out.write(Dataset.fieldForcingSlopes, shape: [climatology.sourceIDs.count, 12, climatology.forcingChannels, channels, h, w],
                              values: climatology.forcingSlopes)
            }
        }
        if let scale = norm.cellStd, let h = height, let w = width {
            try out.write(Dataset.fieldCellStd, shape: [scale.sourceIDs.count, channels, h, w], values: scale.values)
        }
    }

    /// The normaliser of a stored object.
    static func read(_ object: StoredObject, node: String) throws -> Normalizer {
        try ObjectJSON.decode(Normalizer.self, attribute: Attribute.normalizer, of: object, node: node)
    }
}

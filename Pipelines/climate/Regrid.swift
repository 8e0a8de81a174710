import ClimateData
import Foundation
import SPFEngine

/// `climate.regrid`: applies cached regrid weights to every time step of a curated field
/// (sparse matrix product, threaded, deterministic). The weights' source grid must equal the field's.
public struct RegridNode: NodeKind {
    /// Kind name.
    public static let name = "climate.regrid"
    /// Implementation version.
    public static let version = 1
    /// Summary.
    public static let summary = "Regrid a curated field with weights from climate.regrid-weights."
    /// Output schema.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.curatedField)
    /// Inputs.
    public static let inputs = [InputSpec("data", [PipelineObjects.curatedField], doc: "a climate.curate output"), InputSpec("weights", [PipelineObjects.regridWeights], doc: "a climate.regrid-weights output")]
    /// Threads wanted.
    public static let threads = 2
    /// Makes the kind.
    public init() {}

    /// Writes the regridded field (same layout as the input).
    public func run(_ context: NodeContext) throws {
        var obj = try ClimateFieldObject.read(try context.input("data"))
        let w = try RegridWeightsObject.read(try context.input("weights"))
        let g = obj.field.grid
        guard w.source.lat == g.lat, w.source.lon == g.lon, w.source.latBounds == g.latBounds, w.source.lonBounds == g.lonBounds else {
            throw ClimateDataError(.mismatch, "weights were computed for grid \(w.source), the data are on \(g) (\(obj.sourceID ?? "?")): wire the weights node of this model")
        }
        obj.field.values = try w.apply(obj.field.values, steps: obj.field.timeSteps, threads: context.threads)
        obj.field.grid = w.destination
        obj.field.variable.extraAttributes = []
        obj.summary.grid = "\(obj.summary.grid) -> \(w.destination) (\(w.method.rawValue))"
        try obj.write(to: try context.output("out"))
    }
}

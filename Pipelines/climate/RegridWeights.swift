import ClimateData
import Foundation
import SPFEngine

/// `climate.regrid-weights`: remapping weights from the grid of its input to a target grid,
/// computed once and cached as their own node (sparse rows: `row_start`, `columns`, `weights`).
/// The target is a named grid (`r<nlon>x<nlat>`, `n<N>`) or a CDO grid description file
/// (`grid_file`), which may be regional: a regional grid is never wrapped in longitude.
public struct RegridWeightsNode: NodeKind {
    /// Kind name.
    public static let name = "climate.regrid-weights"
    /// Implementation version.
    public static let version = 1
    /// Summary.
    public static let summary = "Conservative or bilinear remapping weights from the input's lat-lon grid to a target grid."
    /// Output schema.
    public static let outputSchemas = PipelineObjects.out(PipelineObjects.regridWeights)
    /// Inputs.
    public static let inputs = [InputSpec("source", [PipelineObjects.curatedField], doc: "any curated field (climate.curate output); only its grid is used")]
    /// Params.
    public struct Params: ParamSet {
        @Param("grid", doc: "target grid: r<nlon>x<nlat> or n<N> (Gaussian); ignored when grid_file is set")
        public var grid = "r72x36"
        @Param("grid_file",
               doc: "target grid as a CDO grid description file (gridtype = lonlat, xsize, ysize, xfirst, xinc, yfirst, yinc), e.g. a regional grid; its content is part of the key")
        public var gridFile: ParamPath? = nil
        @Param("method", doc: "conservative or bilinear")
        public var method: RegridMethod = .conservative

        /// The declarations.
        public init() {}
    }
    /// Makes the kind.
    public init() {}

    /// Writes int64 `row_start` [dst+1], int32 `columns` [links], float64 `weights` [links] and the
    /// source/destination grids (`src_*`, `dst_*`).
    public func run(_ context: NodeContext) throws {
        let p = try context.params(Params.self)
        let src = try ClimateFieldObject.read(try context.input("source")).field.grid
        let gridName: String
        let dst: LatLonGrid
        if let path = p.gridFile?.path {
            dst = try CDOGridDescription(contentsOf: path).grid()
            gridName = (path as NSString).lastPathComponent
        } else {
            gridName = p.grid
            dst = try LatLonGrid.named(gridName)
        }
        let method = p.method
        let w = try RegridWeights.compute(from: src, to: dst, method: method)
        try RegridWeightsObject.write(w, source: src, destination: dst, method: method, gridName: gridName, to: try context.output("out"))
        context.log("\(method.rawValue) weights \(src) -> \(dst): \(w.linkCount) links")
    }
}

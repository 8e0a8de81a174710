import ClimateData
import Foundation
import SPFEngine

/// `spf.export`'s `layout: cmip`: an ensemble product written as CMIP6 publishes model output: one
/// single-precision CF netCDF file per variable and member, in CMIP6's DRS directories and file
/// names, with CMOR-style global attributes, CMIP6's variable metadata and an `areacella` file in its
/// own `fx` directory; chunked one time step per chunk, shuffle + deflate.
///
/// - `source_id` names the emulator and the ESM it emulates (`SPF-CESM2`; `FLAT-…`, `AR-…` for the baselines).
/// - Member k of the sampler (0-based, the product's `member_ids`) is `r<k+1>i1p1f1`; with antithetic
///   pairs, r(2j+1) and r(2j+2) are partners, as `ensemble_design` and `antithetic_partner` say.
/// - `table_id` and `frequency` per timescale: see `CMIPVariableTable`.
/// - `tracking_id` is derived from the file's content (`CMIPTrackingID`); `creation_date` is the time of writing.
struct CMIPPublication {
    /// One ensemble product, as `spf.export` decoded it.
    struct Product {
        var object: StoredObject
        var sourceID: String
        var scenario: String
        var timescale: String
        var model: String
        var startYear: Int
        var years: Int
        var variables: [String]
        /// Absolute sampler member index of each row.
        var memberIDs: [Int]
        var antithetic: Bool
        var grid: LatLonGrid
        var time: TimeAxis
    }

    var settings: CMIPPublicationSettings
    /// The export node.
    var node: String
    /// `creation_date`, `yyyy-MM-ddTHH:mm:ssZ`.
    var creationDate: String

    /// The emulator's name in `source_id`.
    static func emulatorTag(_ model: String) -> String { model == "spf" ? "SPF" : model.uppercased() }

    /// `r<k+1>i1p1f1` of sampler member k.
    static func variantLabel(member k: Int) -> String { "r\(k + 1)i1p1f1" }

    /// The paths (relative to the archive root) of the product's data files, one per variable and member.
    func dataPaths(_ p: Product) throws -> [String] {
        let (table, _) = try CMIPVariableTable.table(timescale: p.timescale, node: node)
        let range = CMIPVariableTable.timeRange(timescale: p.timescale, startYear: p.startYear, years: p.years)
        return try p.variables.flatMap { variable in
            try p.memberIDs.map { k in
                try reference(activity: settings.activity(of: p.scenario), sourceID: "\(Self.emulatorTag(p.model))-\(p.sourceID)",
                              experiment: p.scenario, member: Self.variantLabel(member: k), table: table, variable: variable, timeRange: range).path
            }
        }
    }

    /// Writes the product's files under `root` (the archive root, holding `CMIP6/…`); returns them as catalogue assets.
    func write(_ p: Product, root: URL) throws -> [IntakeCatalog.Asset] {
        let tag = Self.emulatorTag(p.model)
        let sourceID = "\(tag)-\(p.sourceID)"
        let (table, frequency) = try CMIPVariableTable.table(timescale: p.timescale, node: node)
        let range = CMIPVariableTable.timeRange(timescale: p.timescale, startYear: p.startYear, years: p.years)
        let activity = settings.activity(of: p.scenario)
        var assets: [IntakeCatalog.Asset] = []
        for variable in p.variables {
            let (spec, scalars) = try CMIPVariableTable.variable(variable, node: node)
            for (row, k) in p.memberIDs.enumerated() {
                let variant = Self.variantLabel(member: k)
                let ref = try reference(activity: activity, sourceID: sourceID, experiment: p.scenario, member: variant, table: table,
                                        variable: variable, timeRange: range)
                let values = try p.object.readFloats(variable, rows: row..<(row + 1)).values
                var attributes = common(p, sourceID: sourceID, ref: ref, frequency: frequency, realm: "atmos")
                attributes += member(k, antithetic: p.antithetic)
                attributes.append(("external_variables", .text("areacella")))
                let tracking = CMIPTrackingID.handle(name: [ref.directory.split(separator: "/").dropLast().joined(separator: "/"), ref.fileName,
                                                            CMIPTrackingID.digest(of: values), CMIPTrackingID.digest(of: attributes)]
                    .joined(separator: "\n"))
                attributes += [("creation_date", .text(creationDate)), ("tracking_id", .text(tracking))]
                var file = CFFileSpec(variable: spec, grid: p.grid, time: p.time, members: nil, scalarCoordinates: scalars,
                                      globalAttributes: attributes.sorted { $0.name < $1.name }, provenance: nil,
                                      deflateLevel: settings.deflateLevel, timeStepsPerChunk: 1)
                file.writeGridBounds = true
                let url = root.appendingPathComponent(ref.path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                do {
                    try CFWriter.write(path: url.path, spec: file, values: values)
                } catch {
                    throw EngineError(.nodeFailed, "layout cmip: writing \(ref.path): \(error)", node: node)
                }
                assets.append(asset(ref, frequency: frequency, realm: "atmos", emulated: p.sourceID, model: p.model))
            }
        }
        assets.append(try writeAreacella(p, sourceID: sourceID, activity: activity, root: root))
        return assets
    }

    /// The cell areas (m²) in the fx table of the product's first member, as CMIP6 publishes them beside the data.
    private func writeAreacella(_ p: Product, sourceID: String, activity: String, root: URL) throws -> IntakeCatalog.Asset {
        let variant = Self.variantLabel(member: p.memberIDs.first ?? 0)
        let ref = try reference(activity: activity, sourceID: sourceID, experiment: p.scenario, member: variant, table: "fx",
                                variable: "areacella", timeRange: nil)
        let r2 = CMIPVariableTable.earthRadius * CMIPVariableTable.earthRadius
        let areas = p.grid.cellAreas.map { Float($0 * r2) }
        var attributes = common(p, sourceID: sourceID, ref: ref, frequency: "fx", realm: "atmos land")
        attributes += [("variant_label", .text(variant)), ("realization_index", .integer((p.memberIDs.first ?? 0) + 1)),
                       ("initialization_index", .integer(1)), ("physics_index", .integer(1)), ("forcing_index", .integer(1)),
                       ("comment", .text("cell areas of the grid on a sphere of radius \(Int(CMIPVariableTable.earthRadius)) m; "
                                         + "the same for every member"))]
        let tracking = CMIPTrackingID.handle(name: [ref.directory.split(separator: "/").dropLast().joined(separator: "/"), ref.fileName,
                                                    CMIPTrackingID.digest(of: areas), CMIPTrackingID.digest(of: attributes)].joined(separator: "\n"))
        attributes += [("creation_date", .text(creationDate)), ("tracking_id", .text(tracking))]
        let url = root.appendingPathComponent(ref.path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        do {
            try CFFixedFieldWriter.write(path: url.path, variable: CMIPVariableTable.areacella, grid: p.grid, values: areas,
                                         globalAttributes: attributes.sorted { $0.name < $1.name }, deflateLevel: settings.deflateLevel)
        } catch {
            throw EngineError(.nodeFailed, "layout cmip: writing \(ref.path): \(error)", node: node)
        }
        return asset(ref, frequency: "fx", realm: "atmos land", emulated: p.sourceID, model: p.model)
    }

    private func reference(activity: String, sourceID: String, experiment: String, member: String, table: String, variable: String,
                           timeRange: (start: String, end: String)?) throws -> CMIPDataReference {
        do {
            return try CMIPDataReference(mipEra: settings.mipEra, activityID: activity, institutionID: settings.institutionID,
                                         sourceID: sourceID, experimentID: experiment, memberID: member, tableID: table,
                                         variableID: variable, gridLabel: settings.gridLabel, version: settings.version, timeRange: timeRange)
        } catch {
            throw EngineError(.nodeFailed, "param 'layout': cmip: \(error.message)", node: node)
        }
    }

    private func asset(_ ref: CMIPDataReference, frequency: String, realm: String, emulated: String, model: String) -> IntakeCatalog.Asset {
        var facets = Dictionary(uniqueKeysWithValues: ref.facets.map { ($0.name, $0.value) })
        facets["frequency"] = frequency
        facets["realm"] = realm
        facets["time_range"] = ref.timeRangeText
        facets["variant_label"] = ref.memberID
        facets["emulated_source_id"] = emulated
        facets["emulator"] = model
        return IntakeCatalog.Asset(path: ref.path, facets: facets)
    }

    /// The global attributes every file of a product shares (but tracking_id and creation_date).
    private func common(_ p: Product, sourceID: String, ref: CMIPDataReference, frequency: String,
                        realm: String) -> [(name: String, value: CFAttribute)] {
        let o = p.object
        let emulator: String
        switch p.model {
        case "spf": emulator = "Spatiotemporal Pyramid Flow (SPF) emulator"
        case "flat": emulator = "flat flow-matching baseline emulator"
        case "ar": emulator = "autoregressive flow baseline emulator"
        default: emulator = "\(p.model) emulator"
        }
        var a: [(name: String, value: CFAttribute)] = [
            ("activity_id", .text(ref.activityID)),
            ("emulated_source_id", .text(p.sourceID)),
            ("emulator", .text(p.model)),
            ("experiment_id", .text(ref.experimentID)),
            ("frequency", .text(frequency)),
            ("further_info_url", .text(settings.furtherInfo(sourceID: sourceID, experimentID: ref.experimentID, memberID: ref.memberID))),
            ("grid", .text("regular latitude-longitude grid of \(p.grid.nlat) x \(p.grid.nlon) cells, conservatively regridded from "
                           + "\(p.sourceID)'s native grid before training")),
            ("grid_label", .text(ref.gridLabel)),
            ("history", .text("spfflow \(SPFEngineInfo.version) spf.export node \(node) (layout cmip) from product \(o.key)"
                              + (o.attribute(ObjectProvenance.Attribute.node).map { " of node \($0)" } ?? ""))),
            ("institution", .text(settings.institution)),
            ("institution_id", .text(ref.institutionID)),
            ("license", .text(settings.license)),
            ("mip_era", .text(ref.mipEra)),
            ("nominal_resolution", .text(CMIPVariableTable.nominalResolution(p.grid))),
            ("product", .text("model-output")),
            ("realm", .text(realm)),
            ("source", .text("\(sourceID): \(emulator) of \(p.sourceID), sampled by spfflow \(SPFEngineInfo.version); "
                             + "emulated, not simulated, output")),
            ("source_id", .text(sourceID)),
            ("spfflow_export_node", .text(node)),
            ("spfflow_product_key", .text(o.key)),
            ("spfflow_version", .text(SPFEngineInfo.version)),
            ("sub_experiment", .text("none")),
            ("sub_experiment_id", .text("none")),
            ("table_id", .text(ref.tableID)),
            ("title", .text("\(sourceID) output prepared for \(ref.mipEra): \(emulator) of \(p.sourceID), experiment \(ref.experimentID)")),
            ("variable_id", .text(ref.variableID)),
        ]
        if let n = o.attribute(ObjectProvenance.Attribute.node) { a.append(("spfflow_product_node", .text(n))) }
        if let seed = o.attribute(ObjectProvenance.Attribute.seed) { a.append(("spfflow_seed", .text(seed))) }
        // try?: the model key is an optional provenance attribute of the exported file
        if let json = o.attribute(ObjectProvenance.Attribute.inputKeys), let keys = try? JSONDecoder().decode([String: [String]].self, from: Data(json.utf8)),
           let model = keys["model"]?.first {
            a.append(("spfflow_model_key", .text(model)))
        }
        return a
    }

    /// The member attributes of sampler member k: CMOR's indices, the variant label and the ensemble design.
    private func member(_ k: Int, antithetic: Bool) -> [(name: String, value: CFAttribute)] {
        var a: [(name: String, value: CFAttribute)] = [
            ("variant_label", .text(Self.variantLabel(member: k))), ("realization_index", .integer(k + 1)),
            ("initialization_index", .integer(1)), ("physics_index", .integer(1)), ("forcing_index", .integer(1)),
        ]
        if antithetic {
            let partner = k % 2 == 0 ? k + 1 : k - 1
            a.append(("antithetic_partner", .text(Self.variantLabel(member: partner))))
            a.append(("ensemble_design", .text("antithetic pairs: realizations 2j+1 and 2j+2 (r1i1p1f1 and r2i1p1f1, r3i1p1f1 and "
                + "r4i1p1f1, ...) were sampled from opposite noise; each member is an exact draw of the emulator, but a pair is "
                + "not independent, so an unbiased spread or fair CRPS leaves out each member's partner (this member's: "
                + "\(Self.variantLabel(member: partner)))")))
        } else {
            a.append(("ensemble_design", .text("independent members: every realization is an independent draw of the emulator")))
        }
        return a
    }
}

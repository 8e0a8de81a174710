import ClimateData
import Foundation
import SPFEngine

/// The `spf.export` params that only `layout: cmip` reads: the CMIP facets and CMOR attributes that
/// do not come from the product itself.
struct CMIPPublicationSettings: Sendable, Equatable {
    /// `mip_era` (DRS root), `CMIP6`.
    var mipEra = "CMIP6"
    /// `activity_id`; empty: CMIP for historical, ScenarioMIP for every other experiment.
    var activityID = ""
    /// `institution_id`.
    var institutionID = "spfflow"
    /// `institution`.
    var institution = ""
    /// `license`.
    var license = ""
    /// `further_info_url`; empty: CMIP6's es-doc pattern for the file's source, experiment and member.
    var furtherInfoURL = ""
    /// `grid_label`.
    var gridLabel = "gr"
    /// `version`, `vYYYYMMDD`.
    var version = ""
    /// Deflate level (shuffle on).
    var deflateLevel = 4

    /// The params of `spf.export` this reads (declared by the kind).
    static let params = [
        ParamSpec("mip_era", .string, default: "CMIP6", doc: "layout cmip: mip_era, the first directory of the DRS"),
        ParamSpec("activity_id", .string, default: "",
                  doc: "layout cmip: activity_id (empty: CMIP for historical, ScenarioMIP for the other experiments)"),
        ParamSpec("institution_id", .string, default: "spfflow", doc: "layout cmip: institution_id (DRS facet; no '_', '/', '.')"),
        ParamSpec("institution", .string, default: "Emulated with spfflow; set institution and institution_id to the publishing institution",
                  doc: "layout cmip: the institution attribute"),
        ParamSpec("license", .string,
                  default: .string("Emulator output produced with spfflow, licensed under a Creative Commons Attribution 4.0 International License "
                      + "(CC BY 4.0; https://creativecommons.org/licenses/by/4.0/). It is emulated, not simulated, data: consult the "
                      + "emulated model's own license and terms of use before using it. The data producers and data providers make "
                      + "no warranty, either express or implied, including, but not limited to, warranties of merchantability and "
                      + "fitness for a particular purpose."),
                  doc: "layout cmip: the license attribute"),
        ParamSpec("further_info_url", .string, default: "",
                  doc: "layout cmip: further_info_url (empty: CMIP6's pattern https://furtherinfo.es-doc.org/<mip_era>.<institution_id>."
                      + "<source_id>.<experiment_id>.none.<member_id>)"),
        ParamSpec("grid_label", .string, default: "gr", doc: "layout cmip: grid_label (gr: regridded data)"),
        ParamSpec("version", .string, default: "", key: false,
                  doc: "layout cmip: the DRS version vYYYYMMDD (empty: the UTC date of the export)"),
    ]

    /// The settings of a node; `now` dates an empty `version`. A bad value is an error naming the node and param.
    static func from(_ params: NodeParams, node: String, now: Date) throws -> CMIPPublicationSettings {
        var s = CMIPPublicationSettings()
        s.mipEra = try params.string("mip_era")
        s.activityID = try params.string("activity_id")
        s.institutionID = try params.string("institution_id")
        s.institution = try params.string("institution")
        s.license = try params.string("license")
        s.furtherInfoURL = try params.string("further_info_url")
        s.gridLabel = try params.string("grid_label")
        s.version = try params.string("version")
        s.deflateLevel = try params.int("deflate")
        if s.version.isEmpty { s.version = CMIPDataReference.version(of: now) }
        for (name, value) in [("mip_era", s.mipEra), ("activity_id", s.activityID), ("institution_id", s.institutionID),
                              ("grid_label", s.gridLabel)] where !(name == "activity_id" && value.isEmpty) {
            guard !value.isEmpty, !value.contains(where: { $0 == "/" || $0 == "_" || $0 == "." || $0.isWhitespace }) else {
                throw EngineError(.nodeFailed, "param '\(name)': '\(value)' is not a CMIP facet (non-empty, no '/', '_', '.' or spaces)", node: node)
            }
        }
        guard s.version.count == 9, s.version.hasPrefix("v"), s.version.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw EngineError(.nodeFailed, "param 'version': '\(s.version)' is not vYYYYMMDD", node: node)
        }
        guard (0...9).contains(s.deflateLevel) else {
            throw EngineError(.nodeFailed, "param 'deflate': \(s.deflateLevel) is not in 0…9", node: node)
        }
        return s
    }

    /// The activity of an experiment (the param, or CMIP's convention).
    func activity(of experiment: String) -> String {
        activityID.isEmpty ? ClimateSuiteRun.activity(of: experiment) : activityID
    }

    /// The further_info_url of a file.
    func furtherInfo(sourceID: String, experimentID: String, memberID: String) -> String {
        furtherInfoURL.isEmpty
            ? "https://furtherinfo.es-doc.org/\(mipEra).\(institutionID).\(sourceID).\(experimentID).none.\(memberID)" : furtherInfoURL
    }
}

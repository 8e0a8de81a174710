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

    /// The params of `spf.export` these settings come from (its `Params` includes them whole).
    struct Params: ParamSet {
        @Param("mip_era", doc: "layout cmip: mip_era, the first directory of the DRS")
        var mipEra = "CMIP6"
        @Param("activity_id", doc: "layout cmip: activity_id (empty: CMIP for historical, ScenarioMIP for the other experiments)")
        var activityID = ""
        @Param("institution_id", doc: "layout cmip: institution_id (DRS facet; no '_', '/', '.')")
        var institutionID = "spfflow"
        @Param("institution", doc: "layout cmip: the institution attribute")
        var institution = "Emulated with spfflow; set institution and institution_id to the publishing institution"
        @Param("license", doc: "layout cmip: the license attribute")
        var license = "Emulator output produced with spfflow, licensed under a Creative Commons Attribution 4.0 International License "
            + "(CC BY 4.0; https://creativecommons.org/licenses/by/4.0/). It is emulated, not simulated, data: consult the "
            + "emulated model's own license and terms of use before using it. The data producers and data providers make "
            + "no warranty, either express or implied, including, but not limited to, warranties of merchantability and "
            + "fitness for a particular purpose."
        @Param("further_info_url",
               doc: "layout cmip: further_info_url (empty: CMIP6's pattern https://furtherinfo.es-doc.org/<mip_era>.<institution_id>."
                + "<source_id>.<experiment_id>.none.<member_id>)")
        var furtherInfoURL = ""
        @Param("grid_label", doc: "layout cmip: grid_label (gr: regridded data)")
        var gridLabel = "gr"
        @Param("version", key: false, doc: "layout cmip: the DRS version vYYYYMMDD (empty: the UTC date of the export)")
        var version = ""
    }

    /// The settings of a node (`deflate` is `spf.export`'s own param); `now` dates an empty `version`. A bad value is an
    /// error naming the node and param.
    static func from(_ p: Params, deflate: Int, node: String, now: Date) throws -> CMIPPublicationSettings {
        var s = CMIPPublicationSettings()
        s.mipEra = p.mipEra
        s.activityID = p.activityID
        s.institutionID = p.institutionID
        s.institution = p.institution
        s.license = p.license
        s.furtherInfoURL = p.furtherInfoURL
        s.gridLabel = p.gridLabel
        s.version = p.version
        s.deflateLevel = deflate
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

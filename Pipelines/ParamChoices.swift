import ClimateData
import SPFEngine
import SPFModel

// The enums of the libraries that are manifest choices: their cases' raw values are the values a
// manifest may give, checked when it loads and listed by `spfflow kinds` (see `ParamChoice`).

/// `solver: euler | midpoint` (spf.stage, spf.sample-baseline).
extension ODESolver: ParamChoice {}
/// `target:`/`timescale: decadal | yearly | monthly` (spf.stage, spf.merge).
extension Timescale: ParamChoice {}
/// `method: conservative | bilinear` (climate.regrid-weights).
extension RegridMethod: ParamChoice {}
/// `member_layout: memberFirst | timeFirst` (climate.export).
extension CFFileSpec.MemberLayout: ParamChoice {}

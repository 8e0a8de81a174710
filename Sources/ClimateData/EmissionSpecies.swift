/// The emitted species the simple climate model reads, with their RCMIP/IAMC variable names and the units
/// RCMIP gives them in (the model's working units; `EmissionUnit` converts other units to these).
public enum EmissionSpecies: String, Sendable, CaseIterable, Hashable {
    case co2, co2FossilIndustrial, co2AFOLU, ch4, n2o, sulfur, bc, oc, nh3, nox, noxAviation, co, voc

    /// The IAMC/RCMIP variable.
    public var variable: String {
        switch self {
        case .co2: "Emissions|CO2"
        case .co2FossilIndustrial: "Emissions|CO2|MAGICC Fossil and Industrial"
        case .co2AFOLU: "Emissions|CO2|MAGICC AFOLU"
        case .ch4: "Emissions|CH4"
        case .n2o: "Emissions|N2O"
        case .sulfur: "Emissions|Sulfur"
        case .bc: "Emissions|BC"
        case .oc: "Emissions|OC"
        case .nh3: "Emissions|NH3"
        case .nox: "Emissions|NOx"
        case .noxAviation: "Emissions|NOx|MAGICC Fossil and Industrial|Aircraft"
        case .co: "Emissions|CO"
        case .voc: "Emissions|VOC"
        }
    }

    /// RCMIP's unit for the variable: the model's working unit.
    public var unit: String {
        switch self {
        case .co2, .co2FossilIndustrial, .co2AFOLU: "Mt CO2/yr"
        case .ch4: "Mt CH4/yr"
        case .n2o: "kt N2O/yr"
        case .sulfur: "Mt SO2/yr"
        case .bc: "Mt BC/yr"
        case .oc: "Mt OC/yr"
        case .nh3: "Mt NH3/yr"
        case .nox, .noxAviation: "Mt NOx/yr"
        case .co: "Mt CO/yr"
        case .voc: "Mt VOC/yr"
        }
    }

    /// The species with its variable name, if `variable` is one.
    public static func forVariable(_ variable: String) -> EmissionSpecies? {
        allCases.first { $0.variable == variable }
    }
}

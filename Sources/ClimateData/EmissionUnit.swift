/// Converts the unit strings of IAMC scenario files (RCMIP, the IPCC AR6 database and integrated-assessment
/// models' exports) to the unit spfflow works in for a variable: emissions as `<mass> <species>/yr` (mass t, kt,
/// Mt, Gt, or Gg, Tg, Pg; the species as the molecule or as its element: CO2 or C, SO2 or S, NOx/NO2 or N,
/// N2O or N), and forcing as W/m2 in its spellings. Anything else is an unknown unit.
public enum EmissionUnit {
    /// Molar masses (g/mol) of the species and their elements, as FaIR 1.6 (`fair/constants/molwt.py`) has them.
    static let molarMass: [String: Double] = [
        "CO2": 44.01, "C": 12.01, "SO2": 64.066, "S": 32.065, "NO2": 46.0055, "N": 14.0067, "N2O": 44.013, "N2": 28.0134,
    ]

    /// The factor that turns values in `unit` into values in `target` (both as written in files), or nil when
    /// the two are not the same quantity in units this converter knows.
    public static func factor(from unit: String, to target: String) -> Double? {
        if let a = forcingUnit(unit), let b = forcingUnit(target) { return a / b }
        guard let from = parseRate(unit), let to = parseRate(target) else { return nil }
        // "N" in an N2O unit counts the nitrogen of N2O (Mt N2O-N), elsewhere that of NO2.
        let source = canonical(to.species) == "N2O" && canonical(from.species) == "N" ? "N2ON" : from.species
        guard let s = speciesFactor(from: source, to: to.species) else { return nil }
        return from.mass / to.mass * s
    }

    /// W m-2 spellings (factor to W m-2).
    static func forcingUnit(_ unit: String) -> Double? {
        let u = unit.replacingOccurrences(of: " ", with: "").lowercased()
        return ["w/m^2", "w/m2", "wm-2", "wm^-2", "w.m-2", "w/m**2"].contains(u) ? 1 : nil
    }

    /// `<mass prefix> <species>/<time>` → (megatonnes per unit, species).
    static func parseRate(_ unit: String) -> (mass: Double, species: String)? {
        var u = unit.trimmingCharacters(in: .whitespaces)
        var timed = false
        for suffix in ["/yr", "/year", "/a", " yr-1", " a-1", " yr^-1", " / yr"] where u.hasSuffix(suffix) {
            u = String(u.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            timed = true
            break
        }
        guard timed else { return nil }
        let masses: [(String, Double)] = [("Mt", 1), ("Tg", 1), ("Gt", 1e3), ("Pg", 1e3), ("kt", 1e-3), ("Gg", 1e-3), ("t", 1e-6)]
        for (prefix, mass) in masses where u.hasPrefix(prefix) {
            let species = u.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
            guard !species.isEmpty else { return nil }
            return (mass, species)
        }
        return nil
    }

    /// The factor from an amount of `from` to the same emission counted as `to` (e.g. C → CO2: 44.01/12.01).
    static func speciesFactor(from: String, to: String) -> Double? {
        let a = canonical(from), b = canonical(to)
        if a == b { return 1 }
        // Element ↔ molecule pairs with one atom of the element per molecule (N2O: two N per molecule).
        let pairs: [(molecule: String, element: String, atoms: Double)] = [("CO2", "C", 1), ("SO2", "S", 1), ("NO2", "N", 1), ("N2O", "N2ON", 2)]
        for p in pairs {
            let m = molarMass[p.molecule] ?? 1, e = (molarMass[p.element == "N2ON" ? "N" : p.element] ?? 1) * p.atoms
            if a == p.element && b == p.molecule { return m / e }
            if a == p.molecule && b == p.element { return e / m }
        }
        return nil
    }

    /// Names that mean the same species: NOx is counted as NO2, N2O-N as N2ON, NMVOC as VOC, SOx as SO2.
    static func canonical(_ species: String) -> String {
        switch species.replacingOccurrences(of: " ", with: "") {
        case "NOx", "NO2", "NOX": "NO2"
        case "N2O-N", "N2ON", "N_N2O": "N2ON"
        case "NMVOC", "VOC": "VOC"
        case "SOx", "SO2", "Sulfur": "SO2"
        case let s: s
        }
    }
}

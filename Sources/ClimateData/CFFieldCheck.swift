/// What curation refuses in a field it read: the ways a CF file can be wrong that would otherwise
/// reach an emulator silently. Each error names the file and the variable.
///
/// - no time steps (a zero-length time dimension);
/// - no `units`, or units that are not the variable's CMIP6 units (for the variables in
///   ``cmip6Units``; spfflow converts no units, so `degC` for `tas` is refused, not guessed);
/// - ±∞ values, and NaN values that no `_FillValue` or `missing_value` declares;
/// - a variable whose every value is missing;
/// - duplicate or decreasing time stamps.
public enum CFFieldCheck {
    /// The CMIP6 data request's units of common atmosphere variables.
    public static let cmip6Units: [String: String] = [
        "tas": "K", "tasmax": "K", "tasmin": "K", "ts": "K", "ta": "K", "tos": "degC",
        "pr": "kg m-2 s-1", "prsn": "kg m-2 s-1", "evspsbl": "kg m-2 s-1", "mrro": "kg m-2 s-1",
        "psl": "Pa", "ps": "Pa", "huss": "1", "hus": "1", "hurs": "%", "clt": "%",
        "uas": "m s-1", "vas": "m s-1", "ua": "m s-1", "va": "m s-1", "sfcWind": "m s-1", "zg": "m",
        "rsds": "W m-2", "rsus": "W m-2", "rlds": "W m-2", "rlus": "W m-2", "rsdt": "W m-2", "rsut": "W m-2",
        "rlut": "W m-2",
    ]

    /// Throws the first problem `field`, read by `reader`, has.
    public static func validate(_ field: CFField, reader: CFReader) throws(ClimateDataError) {
        let name = field.variable.name, file = reader.file.path
        func fail(_ code: ClimateDataError.Code, _ message: String) -> ClimateDataError {
            ClimateDataError(code, message, file: file, variable: name)
        }
        if let time = field.time, time.count == 0 {
            throw fail(.malformed, "has no time steps (its time dimension has length 0)")
        }
        // The reader gives a variable without units "1"; the file tells whether it had any.
        let attribute = reader.file.variables.first { $0.name == name }?.text("units")
        let units = (attribute ?? "").trimmingWhitespace
        guard !units.isEmpty else {
            throw fail(.malformed, "has no units attribute" + (cmip6Units[name].map { " (CMIP6 gives \(name) in \($0))" } ?? ""))
        }
        if let expected = cmip6Units[name], !sameUnits(units, expected) {
            throw fail(.mismatch, "units '\(units)' are not \(expected), the CMIP6 units of \(name) (spfflow converts no units)")
        }
        let missing = field.missing
        if missing.infiniteCount > 0 {
            throw fail(.malformed, "\(missing.infiniteCount) value(s) are infinite")
        }
        if missing.nanCount > 0 && !missing.declared.contains(where: \.isNaN) {
            throw fail(.malformed, "\(missing.nanCount) value(s) are NaN, which no _FillValue or missing_value declares")
        }
        if !field.values.isEmpty && field.values.allSatisfy(\.isNaN) {
            throw fail(.malformed, "every one of its \(field.values.count) values is missing (fill values)")
        }
        if let time = field.time, time.count > 1 {
            for k in 1..<time.values.count where !(time.values[k] > time.values[k - 1]) {
                throw fail(.malformed, time.values[k] == time.values[k - 1]
                    ? "time step \(k) repeats the stamp of step \(k - 1) (\(time.values[k]) \(time.units))"
                    : "time decreases at step \(k) (\(time.values[k - 1]) then \(time.values[k]) \(time.units))")
            }
        }
    }

    /// Throws when `units` (of `variable` in `file`) are not the CMIP6 units of `name`, the name the
    /// data are curated as (a file's `t2m` curated as `tas` must be in K). Names CMIP6 does not list pass.
    public static func checkUnits(_ units: String, as name: String, file: String, variable: String) throws(ClimateDataError) {
        guard let expected = cmip6Units[name], !sameUnits(units, expected) else { return }
        throw ClimateDataError(.mismatch, "units '\(units)' are not \(expected), the CMIP6 units of \(name) (spfflow converts no units)", file: file, variable: variable)
    }

    /// Whether two unit strings spell the same units: spaces, `.`, `*` and `^` apart, and the
    /// common `kg/m2/s`-style spellings.
    static func sameUnits(_ a: String, _ b: String) -> Bool {
        func canonical(_ u: String) -> String {
            var s = u.lowercased()
            for (from, to) in [("kg/m2/s", "kg m-2 s-1"), ("kg/m^2/s", "kg m-2 s-1"), ("w/m2", "w m-2"), ("w/m^2", "w m-2"),
                               ("m/s", "m s-1"), ("kelvin", "k"), ("degk", "k"), ("percent", "%"),
                               ("kg kg-1", "1"), ("kg/kg", "1")] where s == from {
                s = to
            }
            return String(s.filter { !" .*^".contains($0) })
        }
        return canonical(a) == canonical(b)
    }
}

extension String {
    /// The string without leading and trailing white space.
    var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}

import SPFEngine

/// Gridded annual forcing maps that `climate.align-forcings` takes as its optional `maps` input (for example
/// aerosol optical depth maps): one dataset per map, `[years, nlat, nlon]` float32, named after the forcing.
/// Attributes: `first_year` (the calendar year of the first map) and `units_<name>` per map.
enum ForcingMapsObject {
    /// Attribute names.
    enum Attribute {
        static let firstYear = "first_year"
        static func units(_ name: String) -> String { "units_\(name)" }
    }

    /// The calendar year of the first map, when the object says it.
    static func firstYear(_ object: StoredObject) -> Int? { object.attribute(Attribute.firstYear).flatMap { Int($0) } }

    /// The units of map `name` ("" when not given).
    static func units(of name: String, in object: StoredObject) -> String { object.attribute(Attribute.units(name)) ?? "" }
}

/// Which CMIP6 datasets to take from a tree: each list restricts one facet; an empty list takes all.
public struct CMIP6Selection: Sendable, Hashable {
    /// source_id values (`CESM2`).
    public var sourceIDs: [String]
    /// experiment_id values (`historical`).
    public var experiments: [String]
    /// member_id values (`r1i1p1f1`).
    public var members: [String]
    /// table_id values (`Amon`).
    public var tables: [String]
    /// variable_id values (`ta`).
    public var variables: [String]
    /// grid_label values (`gn`).
    public var grids: [String]

    /// Creates a selection; every facet defaults to "all".
    public init(sourceIDs: [String] = [], experiments: [String] = [], members: [String] = [], tables: [String] = [],
                variables: [String] = [], grids: [String] = []) {
        self.sourceIDs = sourceIDs; self.experiments = experiments; self.members = members
        self.tables = tables; self.variables = variables; self.grids = grids
    }

    /// Whether a file name is selected.
    public func matches(_ f: CMIP6FileName) -> Bool {
        func ok(_ list: [String], _ v: String) -> Bool { list.isEmpty || list.contains(v) }
        return ok(sourceIDs, f.sourceID) && ok(experiments, f.experiment) && ok(members, f.member)
            && ok(tables, f.table) && ok(variables, f.variable) && ok(grids, f.grid)
    }
}

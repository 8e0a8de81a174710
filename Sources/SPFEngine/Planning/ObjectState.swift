/// Whether a cached object can be used.
public enum ObjectState: Sendable, Equatable {
    /// Committed, and its stat stamp (or full digest check) says it is intact.
    case committed
    /// No commit record (never computed, deleted, gc'd, or a leftover without a record).
    case missing
    /// Has a record but the file is gone or its data does not match the recorded digests.
    case corrupt(String)
}

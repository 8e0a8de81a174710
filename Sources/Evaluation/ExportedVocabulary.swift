/// The shared domain types (`Timescale`) come with this library: a client names them without importing
/// ClimateVocabulary, and a client of several libraries sees one type, not one per library.
@_exported import ClimateVocabulary

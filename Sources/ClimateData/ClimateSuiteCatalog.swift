/// The ten ESMs of the ClimateSuite as the simulator imitates them. Identity facts (calendar
/// spelling, grid layout and size, time units, file chunking, variant label) follow the real
/// CMIP6 files (io-notes §4; UKESM1-0-LL: 360_day, N96 144×192, r…i1p1f2). ECS values are the
/// published ones (about 3.0, 5.2, 4.8, 3.5, 3.6, 2.6, 4.6, 3.1, 2.5, 5.3 K). The other
/// parameters are plausible, distinct per model, and documented on `ClimateSuiteFieldParameters`.
public enum ClimateSuiteCatalog {
    /// All models, in ClimateSuite order.
    public static let models: [ClimateSuiteModel] = [
        model("BCC-CSM2-MR", "BCC", "365_day", "gn", .gaussian, 160, 320, 0, "T106 Gaussian grid",
              "days since 1850-01-01", "days since 2015-01-01", 1, (165, 1850), (86, 2015), "v20181126",
              ebm: (3.0, 8.0, 100, 0.65, 1.20), seed: 11,
              f: [2.3, 1.5, 1.45, 0.45, 4.0, -0.060, 0.012, 0.45, 2.5, 1.00, 0.45, 0.25, 1.00, 0.92, 0.03, 0.20, 0.990,
                  0.70, 50, 0.020, 0.40, 1.00, 0.05, 0.06, 0.20, 1.00, 0.12, 0.015, 1.5]),
        model("CESM2", "NCAR", "365_day", "gn", .regularWithPoles, 192, 288, 0, "native 0.9x1.25 finite volume grid (192x288 latxlon)",
              "days since 0001-01-01 00:00:00", "days since 0001-01-01 00:00:00", 1, (50, 1850), (50, 2015), "v20190308",
              ebm: (5.2, 7.5, 95, 0.55, 1.30), seed: 12,
              f: [2.8, 1.7, 1.55, 0.60, 3.0, -0.075, 0.015, 0.55, 2.0, 1.10, 0.40, 0.20, 1.30, 0.93, 0.06, 0.25, 0.992,
                  0.85, 45, 0.026, 0.55, 0.90, 0.07, 0.08, 0.25, 1.05, 0.15, 0.018, 1.2]),
        model("CESM2-WACCM", "NCAR", "365_day", "gn", .regularWithPoles, 192, 288, 0, "native 0.9x1.25 finite volume grid (192x288 latxlon)",
              "days since 0001-01-01 00:00:00", "days since 0001-01-01 00:00:00", 1, (50, 1850), (50, 2015), "v20190227",
              ebm: (4.8, 7.6, 100, 0.60, 1.30), seed: 13,
              f: [2.7, 1.7, 1.50, 0.55, 3.2, -0.070, 0.014, 0.50, 2.2, 1.05, 0.42, 0.22, 1.25, 0.93, 0.05, 0.24, 0.991,
                  0.80, 48, 0.024, 0.50, 0.92, 0.07, 0.075, 0.24, 0.95, 0.16, 0.020, 1.3]),
        model("CMCC-CM2-SR5", "CMCC", "365_day", "gn", .regularWithPoles, 192, 288, 0, "native atmosphere regular grid (192x288 latxlon)",
              "days since 1850-01-01", "days since 2015-01-01", 1, (165, 1850), (86, 2015), "v20200616",
              ebm: (3.5, 8.2, 110, 0.70, 1.25), seed: 14,
              f: [2.4, 1.6, 1.40, 0.40, 4.5, -0.055, 0.010, 0.40, 2.8, 0.95, 0.38, 0.25, 1.10, 0.92, -0.02, 0.18, 0.989,
                  0.65, 55, 0.022, 0.45, 1.05, 0.05, 0.055, 0.22, 1.00, 0.12, 0.016, 1.6]),
        model("CMCC-ESM2", "CMCC", "365_day", "gn", .regularWithPoles, 192, 288, 0, "native atmosphere regular grid (192x288 latxlon)",
              "days since 1850-01-01", "days since 2015-01-01", 1, (165, 1850), (86, 2015), "v20210114",
              ebm: (3.6, 8.1, 105, 0.70, 1.25), seed: 15,
              f: [2.4, 1.6, 1.42, 0.42, 4.2, -0.058, 0.011, 0.42, 2.7, 0.97, 0.39, 0.25, 1.05, 0.92, -0.01, 0.19, 0.990,
                  0.68, 52, 0.022, 0.46, 1.03, 0.05, 0.058, 0.22, 1.00, 0.13, 0.016, 1.5]),
        model("GFDL-ESM4", "NOAA-GFDL", "365_day", "gr1", .regularOffset, 180, 288, 0.5,
              "atmos data regridded from Cubed-sphere (c96) to 180,288; interpolation method: conservative",
              "days since 1850-01-01 00:00:00", "days since 1850-01-01 00:00:00", 1, (20, 1850), (20, 2015), "v20190726",
              ebm: (2.6, 8.8, 120, 0.80, 1.10), seed: 16,
              f: [2.1, 1.4, 1.35, 0.35, 5.0, -0.050, 0.008, 0.35, 3.0, 0.90, 0.35, 0.30, 0.90, 0.91, -0.04, 0.15, 0.988,
                  0.55, 65, 0.018, 0.35, 1.15, 0.04, 0.045, 0.20, 1.10, 0.10, 0.012, 1.8]),
        model("IPSL-CM6A-LR", "IPSL", "gregorian", "gr", .regularWithPoles, 143, 144, 0, "LMDZ grid",
              "days since 1850-01-01 00:00:00", "days since 1850-01-01 00:00:00", 1, (165, 1850), (86, 2015), "v20180803",
              ebm: (4.6, 7.8, 90, 0.60, 1.20), seed: 17,
              f: [2.9, 1.8, 1.60, 0.50, 3.5, -0.080, 0.018, 0.60, 2.0, 1.15, 0.50, 0.20, 1.15, 0.94, 0.04, 0.30, 0.993,
                  0.75, 40, 0.028, 0.60, 0.85, 0.08, 0.07, 0.28, 0.90, 0.18, 0.022, 1.7]),
        model("MRI-ESM2-0", "MRI", "proleptic_gregorian", "gn", .gaussian, 160, 320, 0, "TL159 Gaussian grid",
              "days since 1850-01-01", "days since 1850-01-01", 1, (165, 1850), (86, 2015), "v20190222",
              ebm: (3.1, 8.5, 110, 0.75, 1.15), seed: 18,
              f: [2.2, 1.5, 1.38, 0.38, 4.8, -0.052, 0.009, 0.38, 2.6, 0.92, 0.36, 0.28, 0.95, 0.92, 0.01, 0.17, 0.989,
                  0.60, 60, 0.019, 0.38, 1.10, 0.045, 0.05, 0.20, 1.05, 0.11, 0.014, 1.4]),
        model("NorESM2-LM", "NCC", "365_day", "gn", .regularWithPoles, 96, 144, 0, "finite-volume grid with 1.9x2.5 degree lat/lon resolution",
              "days since 0001-01-01 00:00:00", "days since 0001-01-01 00:00:00", 1, (10, 1850), (10, 2021), "v20190815",
              ebm: (2.5, 8.7, 130, 0.90, 1.10), seed: 19,
              f: [2.0, 1.4, 1.30, 0.30, 5.5, -0.045, 0.007, 0.30, 3.2, 0.88, 0.33, 0.30, 0.85, 0.91, -0.03, 0.14, 0.987,
                  0.50, 70, 0.017, 0.32, 1.20, 0.04, 0.04, 0.18, 1.10, 0.09, 0.012, 2.0]),
        model("UKESM1-0-LL", "MOHC", "360_day", "gn", .regularOffset, 144, 192, 0.5, "Native N96 grid; 192 x 144 longitude/latitude",
              "days since 1850-01-01", "days since 1850-01-01", 2, (100, 1850), (100, 2050), "v20190406",
              ebm: (5.3, 7.4, 90, 0.55, 1.35), seed: 20,
              f: [3.0, 1.8, 1.60, 0.65, 2.8, -0.085, 0.020, 0.60, 1.8, 1.12, 0.48, 0.20, 1.20, 0.93, 0.07, 0.28, 0.992,
                  0.90, 42, 0.028, 0.60, 0.85, 0.08, 0.085, 0.26, 0.92, 0.17, 0.021, 1.3]),
    ]

    /// Models that run the SAI experiment (GeoMIP G6sulfur), as in the real ClimateSuite.
    public static let saiModels: Set<String> = ["CESM2-WACCM", "UKESM1-0-LL"]

    /// The scenario experiments.
    public static let scenarioExperiments = ["ssp126", "ssp245", "ssp370", "ssp585"]

    /// The model named `sourceID`.
    public static func model(named sourceID: String) throws(SimulatorError) -> ClimateSuiteModel {
        guard let m = models.first(where: { $0.sourceID == sourceID }) else {
            throw SimulatorError(.badParameter,
                                 "unknown ClimateSuite model '\(sourceID)' (known: \(models.map(\.sourceID).joined(separator: ", ")))")
        }
        return m
    }

    private static func model(_ id: String, _ inst: String, _ cal: String, _ label: String, _ kind: SimulatorGrid.Kind,
                              _ nlat: Int, _ nlon: Int, _ lonOffset: Double, _ gridText: String,
                              _ histUnits: String, _ sspUnits: String, _ f: Int,
                              _ histChunk: (Int, Int), _ sspChunk: (Int, Int), _ version: String,
                              ebm: (Double, Double, Double, Double, Double), seed: UInt64, f p: [Double]) -> ClimateSuiteModel {
        let fields = ClimateSuiteFieldParameters(
            polarAmplificationNorth: p[0], polarAmplificationSouth: p[1], landSeaContrast: p[2],
            patternEffect: p[3], patternEffectScale: p[4], seasonalChangeIce: p[5], seasonalChangeLand: p[6],
            iceVarianceLoss: p[7], iceRetreatScale: p[8], noiseScale: p[9], monthlyAutocorrelation: p[10],
            whiteShare: p[11], ensoAmplitude: p[12], ensoAutocorrelation: p[13], ensoChange: p[14],
            decadalAmplitude: p[15], decadalAutocorrelation: p[16], aerosolCooling: p[17], aerosolSaturation: p[18],
            hydrologicalSensitivity: p[19], wetGetsWetter: p[20], precipitationShape: p[21], shapeDecline: p[22],
            aerosolDrying: p[23], precipitationAutocorrelation: p[24], saiEfficacy: p[25], saiTropicalCooling: p[26],
            saiDrying: p[27], biasAmplitude: p[28], patternSeed: seed)
        return ClimateSuiteModel(
            sourceID: id, institution: inst, calendar: cal, gridLabel: label, gridKind: kind,
            nativeLatitudes: nlat, nativeLongitudes: nlon, longitudeOffset: lonOffset, gridDescription: gridText,
            historicalTimeUnits: histUnits, scenarioTimeUnits: sspUnits, forcingIndex: f,
            historicalChunk: ClimateSuiteFileChunking(years: histChunk.0, anchor: histChunk.1),
            scenarioChunk: ClimateSuiteFileChunking(years: sspChunk.0, anchor: sspChunk.1), version: version,
            energyBalance: EnergyBalanceParameters(ecs: ebm.0, upperHeatCapacity: ebm.1, deepHeatCapacity: ebm.2,
                                                   exchange: ebm.3, efficacy: ebm.4),
            fields: fields)
    }
}

#!/usr/bin/env python3
"""FaIR 1.6.4 reference runs for spfflow's simple-climate-model test (Tests/ClimateDataTests/FaIRComparisonTests).

Reads from stdin one line per year from 1765: `year co2_fossil co2_afolu ch4 n2o sulfur co voc nox bc oc nh3`
in RCMIP units (Mt CO2/yr, Mt CH4/yr, kt N2O/yr, Mt SO2/yr, Mt/yr, Mt NOx/yr), converts them as FaIR 1.6.4's
own SSP loader does, takes the halogenated gases, the aviation-NOx and fossil-CH4 fractions and the solar and
volcanic forcing from the RCMIP scenario named by argv[1] (shipped in the fair wheel), and prints:
  line 1: CO2-only run (emissions = fossil + AFOLU, FaIR defaults): CO2 ppm per year
  line 2: CO2-only run: temperature K per year
  line 3: multi-gas run (FaIR defaults; tropospheric ozone 'regress', since 'stevenson' fails on numpy 2): CO2 ppm
  line 4: multi-gas run: total ERF W m-2 per year
Runs offline: everything comes from the installed fair==1.6.4.
"""
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore")
import fair  # noqa: E402
from fair import SSPs  # noqa: E402
from fair.ancil import natural  # noqa: E402
from fair.constants import molwt  # noqa: E402

if fair.__version__ != "1.6.4":
    sys.exit("need fair==1.6.4, found %s" % fair.__version__)
names = {"ssp119": "ssp119", "ssp126": "ssp126", "ssp245": "ssp245", "ssp370": "ssp370", "ssp434": "ssp434",
         "ssp460": "ssp460", "ssp534-over": "ssp534", "ssp585": "ssp585"}
ssp = getattr(SSPs, names[sys.argv[1]])
rows = np.array([[float(x) for x in line.split()] for line in sys.stdin if line.strip()])
nt = rows.shape[0]
if rows[0, 0] != 1765:
    sys.exit("first year must be 1765")
c_per_co2 = molwt.C / molwt.CO2 / 1000
em = np.array(ssp.Emissions.emissions[:nt], dtype=float)
em[:, 0] = rows[:, 0]
em[:, 1] = rows[:, 1] * c_per_co2
em[:, 2] = rows[:, 2] * c_per_co2
em[:, 3] = rows[:, 3]
em[:, 4] = rows[:, 4] / 1000
em[:, 5] = rows[:, 5] * molwt.S / molwt.SO2
em[:, 6] = rows[:, 6]
em[:, 7] = rows[:, 7]
em[:, 8] = rows[:, 8] * molwt.N / molwt.NO2
em[:, 9] = rows[:, 9]
em[:, 10] = rows[:, 10]
em[:, 11] = rows[:, 11]
solar = np.asarray(ssp.Forcing.solar, dtype=float).reshape(-1)[:nt]
volcanic = np.asarray(ssp.Forcing.volcanic, dtype=float).reshape(-1)[:nt]

c1, f1, t1 = fair.forward.fair_scm(emissions=em[:, 1] + em[:, 2], useMultigas=False)
c2, f2, t2 = fair.forward.fair_scm(emissions=em, natural=natural.Emissions.emissions[:nt], F_solar=solar, F_volcanic=volcanic,
                                   aviNOx_frac=ssp.aviNOx_frac[:nt], fossilCH4_frac=ssp.fossilCH4_frac[:nt],
                                   tropO3_forcing="regress")
for series in (c1, t1, c2[:, 0], f2.sum(axis=1)):
    print(" ".join("%.10g" % v for v in series))

#!/usr/bin/env python3
"""Write the small RCMIP extract that spfflow uses (Manifests/data/forcings/): its forcings, and the inputs of its simple climate model.

Source: the RCMIP SSP files shipped in the fair==1.6.4 wheel on PyPI (fair/SSPs/data/):
  rcmip-emissions-annual-means-5-1-0-ssp-only.csv
  rcmip-radiative-forcing-annual-means-5-1-0-ssp-only.csv
  rcmip-concentrations-annual-means-5-1-0-ssp-only.csv
All 8 SSPs are kept (ssp119, ssp126, ssp245, ssp370, ssp434, ssp460, ssp534-over, ssp585). The extract keeps the RCMIP CSV format exactly (same header, same column order as each source
file, empty field = missing, emissions annual to 2015 then every 10 years), restricted to global
series of the variables and scenarios the ClimateSuite simulator and the default forcing set need,
and to the years up to 2100. Lines starting with '#' are a citation header that spfflow's reader skips.

Usage: scripts/extract_rcmip.py [--wheel fair-1.6.4-py3-none-any.whl] [--out Manifests/data/forcings]
Without --wheel the script runs `pip download --no-deps fair==1.6.4` into a temporary directory.
Only the Python standard library is used.
"""
import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile
import zipfile

SCENARIOS = ["ssp119", "ssp126", "ssp245", "ssp370", "ssp434", "ssp460", "ssp534-over", "ssp585"]
LAST_YEAR = 2100
FILES = {
    "rcmip-emissions-annual-means-5-1-0-ssp-only.csv": (
        "rcmip-emissions-extract.csv",
        # The ClimateBench species, plus what the embedded simple climate model (ClimateData's
        # SimpleClimateModel) needs to compute effective radiative forcing from emissions.
        ["Emissions|CO2", "Emissions|CO2|MAGICC Fossil and Industrial", "Emissions|CO2|MAGICC AFOLU",
         "Emissions|CH4", "Emissions|Sulfur", "Emissions|BC", "Emissions|OC",
         "Emissions|N2O", "Emissions|NH3", "Emissions|NOx", "Emissions|NOx|MAGICC Fossil and Industrial|Aircraft",
         "Emissions|CO", "Emissions|VOC"],
    ),
    "rcmip-radiative-forcing-annual-means-5-1-0-ssp-only.csv": (
        "rcmip-radiative-forcing-extract.csv",
        ["Effective Radiative Forcing", "Effective Radiative Forcing|Anthropogenic",
         "Effective Radiative Forcing|Anthropogenic|CO2", "Effective Radiative Forcing|Anthropogenic|Aerosols",
         "Effective Radiative Forcing|Natural", "Effective Radiative Forcing|Natural|Volcanic",
         # Components the simple climate model is validated against or takes as given.
         "Effective Radiative Forcing|Natural|Solar",
         "Effective Radiative Forcing|Anthropogenic|CH4", "Effective Radiative Forcing|Anthropogenic|N2O",
         "Effective Radiative Forcing|Anthropogenic|Aerosols|Aerosols-radiation Interactions",
         "Effective Radiative Forcing|Anthropogenic|Aerosols|Aerosols-cloud Interactions",
         "Effective Radiative Forcing|Anthropogenic|Tropospheric Ozone",
         "Effective Radiative Forcing|Anthropogenic|Stratospheric Ozone",
         "Effective Radiative Forcing|Anthropogenic|Albedo Change",
         "Effective Radiative Forcing|Anthropogenic|Other",
         "Effective Radiative Forcing|Anthropogenic|Other|BC on Snow",
         "Effective Radiative Forcing|Anthropogenic|Other|CH4 Oxidation Stratospheric H2O",
         "Effective Radiative Forcing|Anthropogenic|Other|Contrails and Contrail-induced Cirrus",
         "Effective Radiative Forcing|Anthropogenic|Other|Other WMGHGs"],
    ),
    "rcmip-concentrations-annual-means-5-1-0-ssp-only.csv": (
        "rcmip-concentrations-extract.csv",
        # The well-mixed gases the simple climate model carries: observed history (the state its scenario
        # years start from) and the SSP paths it is compared with.
        ["Atmospheric Concentrations|CO2", "Atmospheric Concentrations|CH4", "Atmospheric Concentrations|N2O"],
    ),
}
HEADER = """# RCMIP SSP {kind} (global annual means), extract for spfflow (forcings and its simple climate model).
# Source: RCMIP (Reduced Complexity Model Intercomparison Project), file {source},
#   as shipped in the fair==1.6.4 wheel on PyPI (fair/SSPs/data/). https://www.rcmip.org
#   Nicholls, Z. R. J. et al. (2020), Reduced Complexity Model Intercomparison Project Phase 1:
#   introduction and evaluation of global-mean temperature response, Geosci. Model Dev. 13, 5175-5190,
#   doi:10.5194/gmd-13-5175-2020.
# Licence: RCMIP data are released under the Creative Commons Attribution 4.0 International licence
#   (CC-BY-4.0, https://creativecommons.org/licenses/by/4.0/). This extract is unmodified apart from the
#   selection of rows ({scenarios}; Region World; the variables listed in scripts/extract_rcmip.py) and of
#   the year columns up to {last}.
# Produced by scripts/extract_rcmip.py. Lines starting with '#' are comments.
"""


def wheel_path(arg):
    if arg:
        return arg, None
    tmp = tempfile.TemporaryDirectory()
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "fair==1.6.4", "-d", tmp.name],
                   check=True)
    wheels = [f for f in os.listdir(tmp.name) if f.endswith(".whl")]
    if len(wheels) != 1:
        sys.exit("expected one fair wheel, found %r" % wheels)
    return os.path.join(tmp.name, wheels[0]), tmp


def extract(zf, source, target, variables, outdir):
    with zf.open("fair/SSPs/data/" + source) as raw:
        rows = list(csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline="")))
    header = rows[0]
    col = {name: i for i, name in enumerate(header)}
    keep = [i for i, name in enumerate(header) if not name.isdigit() or int(name) <= LAST_YEAR]
    selected = [r for r in rows[1:]
                if r[col["Scenario"]] in SCENARIOS and r[col["Region"]] == "World" and r[col["Variable"]] in variables]
    missing = {(s, v) for s in SCENARIOS for v in variables} - {(r[col["Scenario"]], r[col["Variable"]]) for r in selected}
    if missing:
        sys.exit("%s lacks %s" % (source, sorted(missing)))
    selected.sort(key=lambda r: (SCENARIOS.index(r[col["Scenario"]]), variables.index(r[col["Variable"]])))
    kind = ("emissions" if "emissions" in source else
            "concentrations" if "concentrations" in source else "effective radiative forcing")
    path = os.path.join(outdir, target)
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(HEADER.format(kind=kind, source=source, scenarios=", ".join(SCENARIOS), last=LAST_YEAR))
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([header[i] for i in keep])
        for r in selected:
            writer.writerow([r[i] for i in keep])
    print("wrote %s: %d rows, %d bytes" % (path, len(selected), os.path.getsize(path)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", help="path to fair-1.6.4-py3-none-any.whl (downloaded when absent)")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "Manifests", "data", "forcings"))
    args = parser.parse_args()
    path, tmp = wheel_path(args.wheel)
    os.makedirs(args.out, exist_ok=True)
    with zipfile.ZipFile(path) as zf:
        for source, (target, variables) in FILES.items():
            extract(zf, source, target, variables, args.out)
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()

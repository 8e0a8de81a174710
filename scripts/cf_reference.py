#!/usr/bin/env python3
"""Reference values for spfflow's ClimateData tests, computed with netCDF4-python and cftime.

Usage:
  cf_reference.py decode          < JSON list of {"units", "calendar", "values"}  -> JSON list of date lists
  cf_reference.py times FILE...   -> JSON {file: {"calendar", "units", "dates", "bounds"}} for each file's time axis
  cf_reference.py values FILE VAR -> JSON {"shape", "values" (null for masked/1e20)} of one variable
Dates are [year, month, day, hour, minute, second, microsecond] as cftime decodes them.
"""
import json
import sys

import cftime
import netCDF4
import numpy as np


def fields(d):
    return [d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond]


def decode(units, calendar, values):
    out = cftime.num2date(np.asarray(values, dtype="f8"), units, calendar=calendar,
                          only_use_cftime_datetimes=True)
    return [fields(d) for d in np.atleast_1d(out)]


def main():
    mode = sys.argv[1]
    if mode == "decode":
        jobs = json.load(sys.stdin)
        json.dump([decode(j["units"], j["calendar"], j["values"]) for j in jobs], sys.stdout)
    elif mode == "times":
        result = {}
        for path in sys.argv[2:]:
            with netCDF4.Dataset(path) as ds:
                t = ds.variables["time"]
                cal = getattr(t, "calendar", "standard")
                entry = {"calendar": cal, "units": t.units, "dates": decode(t.units, cal, t[:].data)}
                bname = getattr(t, "bounds", None)
                if bname and bname in ds.variables:
                    entry["bounds"] = decode(t.units, cal, ds.variables[bname][:].data.ravel())
                result[path] = entry
        json.dump(result, sys.stdout)
    elif mode == "values":
        with netCDF4.Dataset(sys.argv[2]) as ds:
            v = ds.variables[sys.argv[3]]
            v.set_auto_mask(False)
            data = np.asarray(v[:], dtype="f8")
            mask = np.abs(data) >= 1e20 * (1 - 1e-6)
            if hasattr(v, "_FillValue"):
                mask |= data == v._FillValue
            flat = [None if m else float(x) for x, m in zip(data.ravel(), mask.ravel())]
            json.dump({"shape": list(data.shape), "values": flat}, sys.stdout)
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()

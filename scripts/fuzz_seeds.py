#!/usr/bin/env python3
"""Odd netCDF files for the CF fuzzer's seed corpus (scripts/fuzz.sh) and the bad-input tests: small
CF files with a 360_day calendar, time in hours since 1970, NaN and Inf, an all-fill variable,
duplicate and decreasing times, a zero-length time dimension, missing and wrong units, in the
classic and netCDF-4 formats."""
import os
import sys

import netCDF4
import numpy as np


def write(path, fmt="NETCDF4", times=(0.5, 1.5, 2.5), time_units="days since 2000-01-01", calendar="360_day",
          values=None, units="K", nlat=4, nlon=8, unlimited=False):
    with netCDF4.Dataset(path, "w", format=fmt) as ds:
        ds.Conventions = "CF-1.8"
        ds.createDimension("time", None if unlimited else len(times))
        ds.createDimension("lat", nlat)
        ds.createDimension("lon", nlon)
        t = ds.createVariable("time", "f8", ("time",))
        t.units, t.calendar, t.standard_name, t.axis = time_units, calendar, "time", "T"
        t[:] = np.asarray(times, dtype="f8")
        la = ds.createVariable("lat", "f8", ("lat",))
        la.units, la.standard_name = "degrees_north", "latitude"
        la[:] = np.linspace(-67.5, 67.5, nlat)
        lo = ds.createVariable("lon", "f8", ("lon",))
        lo.units, lo.standard_name = "degrees_east", "longitude"
        lo[:] = np.arange(nlon) * 360.0 / nlon
        v = ds.createVariable("tas", "f4", ("time", "lat", "lon"), fill_value=np.float32(1e20))
        if units is not None:
            v.units = units
        v.standard_name = "air_temperature"
        data = np.full((len(times), nlat, nlon), 280.0, dtype="f4") if values is None else values
        if len(times):
            v[:] = data


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, "seed-360day.nc"))
    write(os.path.join(out, "seed-classic-hours.nc"), fmt="NETCDF3_CLASSIC", times=(12.0, 36.0),
          time_units="hours since 1970-01-01 00:00:00", calendar="standard")
    bad = np.full((3, 4, 8), 280.0, dtype="f4")
    bad[0, 0, 0], bad[1, 1, 1] = np.nan, np.inf
    write(os.path.join(out, "seed-nan-inf.nc"), values=bad)
    write(os.path.join(out, "seed-all-fill.nc"), values=np.full((3, 4, 8), 1e20, dtype="f4"))
    write(os.path.join(out, "seed-duplicate-times.nc"), times=(0.5, 0.5, 1.5))
    write(os.path.join(out, "seed-decreasing-times.nc"), times=(2.5, 1.5, 0.5))
    write(os.path.join(out, "seed-zero-length.nc"), times=(), unlimited=True)
    write(os.path.join(out, "seed-no-units.nc"), units=None)
    write(os.path.join(out, "seed-wrong-units.nc"), units="furlongs")
    write(os.path.join(out, "seed-64bit-offset.nc"), fmt="NETCDF3_64BIT_OFFSET")


if __name__ == "__main__":
    main()

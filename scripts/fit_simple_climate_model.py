#!/usr/bin/env python3
"""Re-derives the fitted coefficients of spfflow's simple climate model (Sources/ClimateData/
SimpleClimateModelParameters.swift and CarbonCycleParameters.rcmipCalibrated) from RCMIP's files as shipped in
fair==1.6.4 (pip install fair==1.6.4; numpy and scipy come with it). Prints each coefficient.

- Concentration → ERF forms (CO2, CH4, N2O), aerosol–radiation (6 species), aerosol–cloud (SO2), stratospheric
  H2O, land-use albedo, BC on snow, contrails: least squares on RCMIP's 1750–2014 components (any SSP row: the
  history is shared).
- Carbon cycle r0, rc (rt, boxes: FaIR 1.6's): least squares of the model's CO2 against RCMIP's ssp245
  concentrations over 2015–2100, the model run as spfflow runs it (observed history, then ssp245's emissions).
Tropospheric ozone (Stevenson et al. 2013, as in FaIR 1.6) and the CH4/N2O lifetimes (9.3, 121 yr) are not fitted.
"""
import csv
import os

import numpy as np
from scipy.optimize import least_squares

import fair

DATA = os.path.join(os.path.dirname(fair.__file__), "SSPs", "data")
YEARS = np.arange(1750, 2101)


def load(name):
    rows = list(csv.reader(open(os.path.join(DATA, name))))
    head = rows[0]
    years = [(i, int(x)) for i, x in enumerate(head) if x.isdigit()]
    col = {n: i for i, n in enumerate(head)}
    out = {}
    for r in rows[1:]:
        ys = np.array([y for _, y in years])
        vs = np.array([float(r[i]) if r[i] else np.nan for i, _ in years])
        ok = ~np.isnan(vs)
        out[(r[col["Scenario"]], r[col["Variable"]])] = np.interp(YEARS, ys[ok], vs[ok])
    return out


E = load("rcmip-emissions-annual-means-5-1-0-ssp-only.csv")
F = load("rcmip-radiative-forcing-annual-means-5-1-0-ssp-only.csv")
C = load("rcmip-concentrations-annual-means-5-1-0-ssp-only.csv")
S = "ssp245"
hist = YEARS <= 2014
e = lambda v: E[(S, "Emissions|" + v)]
f = lambda v: F[(S, "Effective Radiative Forcing" + v)]
co2, ch4, n2o = (C[(S, "Atmospheric Concentrations|" + g)] for g in ("CO2", "CH4", "N2O"))
C0, M0, N0 = co2[0], ch4[0], n2o[0]
d = lambda v: e(v) - e(v)[0]


def fit(columns, target):
    x = np.stack(columns, 1)[hist]
    return np.linalg.lstsq(x, f(target)[hist], rcond=None)[0]


L, dM, dN = np.log(co2 / C0), np.sqrt(ch4) - np.sqrt(M0), np.sqrt(n2o) - np.sqrt(N0)
print("co2Forcing", fit([L, (co2 - C0) * L, dN * L], "|Anthropogenic|CO2"))
print("ch4Forcing", fit([dM, (n2o - N0) * dM, (ch4 - M0) * dM], "|Anthropogenic|CH4"))
print("n2oForcing", fit([dN, (co2 - C0) * dN, (ch4 - M0) * dN], "|Anthropogenic|N2O"))
print("aerosolRadiation", fit([d(v) for v in ("Sulfur", "BC", "OC", "NH3", "NOx", "VOC")],
                              "|Anthropogenic|Aerosols|Aerosols-radiation Interactions"))
so2 = e("Sulfur")
aci = least_squares(lambda p: (-p[0] * (np.log(1 + so2 / p[1]) - np.log(1 + so2[0] / p[1]))
                               - f("|Anthropogenic|Aerosols|Aerosols-cloud Interactions"))[hist], [1.0, 50.0],
                    bounds=([0, 1], [10, 1e4])).x
print("aerosolCloudBeta, aerosolCloudScale", aci)
print("stratosphericWaterVapour", fit([ch4 - M0], "|Anthropogenic|Other|CH4 Oxidation Stratospheric H2O"))
print("landUseAlbedo", fit([np.cumsum(e("CO2|MAGICC AFOLU"))], "|Anthropogenic|Albedo Change"))
print("bcOnSnow", fit([d("BC")], "|Anthropogenic|Other|BC on Snow"))
print("contrails", fit([d("NOx|MAGICC Fossil and Industrial|Aircraft")],
                       "|Anthropogenic|Other|Contrails and Contrail-induced Cirrus"))

# Carbon cycle, stepped as Sources/ClimateData/CarbonCycle.swift and SimpleClimateModel.swift step it.
A = np.array([0.2173, 0.2240, 0.2824, 0.2763])
TAU = np.array([1e6, 394.4, 36.54, 4.304])
GTC_PER_PPM = 5.1352 * 12.01 / 28.97
TCR, ECS, D, F2X, TDBL = 1.6, 2.75, np.array([239.0, 4.1]), 3.71, 69.661
K = 1 - (D / TDBL) * (1 - np.exp(-TDBL / D))
Q = (1 / F2X) / (K[0] - K[1]) * np.array([TCR - ECS * K[1], ECS * K[0] - TCR])


def alpha(iirf):
    lo, hi = np.log(1e-4), np.log(1e4)
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        a = np.exp(mid)
        if a * np.sum(A * TAU * (1 - np.exp(-100 / (TAU * a)))) > iirf:
            hi = mid
        else:
            lo = mid
    return np.exp(0.5 * (lo + hi))


def co2_path(r0, rc, rt=4.165):
    """CO2 with observed history through 2014 and ssp245's emissions after; temperature from RCMIP's ERF
    through 2014 (as the model) and, for this fit only, from RCMIP's ssp245 ERF after."""
    emis = e("CO2") * 12.01 / 44.01 / 1000
    erf = f("")
    boxes, uptake, last, conc, tj = np.zeros(4), 0.0, 0.0, C0, np.zeros(2)
    out = [C0]
    for t in range(1, len(YEARS)):
        dec = np.exp(-1 / (TAU * alpha(min(r0 + rc * uptake + rt * tj.sum(), 97.0))))
        boxes = boxes * dec
        if YEARS[t] <= 2014:
            em = (co2[t] - C0 - boxes.sum()) * GTC_PER_PPM
        else:
            em = emis[t]
        boxes = boxes + A * em / GTC_PER_PPM
        new = C0 + boxes.sum()
        uptake += 0.5 * (em + last) - (new - conc) * GTC_PER_PPM
        conc, last = new, em
        tj = tj * np.exp(-1 / D) + Q * (1 - np.exp(-1 / D)) * erf[t]
        out.append(conc)
    return np.array(out)


fut = YEARS >= 2015
r = least_squares(lambda p: (co2_path(p[0], p[1]) - co2)[fut], [17.0, 0.045], bounds=([5, 0], [60, 0.2]))
print("carbon r0, rc", repr(float(r.x[0])), repr(float(r.x[1])))

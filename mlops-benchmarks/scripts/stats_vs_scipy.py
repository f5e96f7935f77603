#!/usr/bin/env python3
"""Writes the data files of StatsVsScipyBenchmark and times scipy on them.

usage: stats_vs_scipy.py write DIR          # seeded numpy data, raw little-endian float64
       stats_vs_scipy.py time DIR OUT.json  # median of 7 timed calls after 2 warm-ups, per function
       stats_vs_scipy.py ratios SCIPY.json JMH.json   # prints a markdown table
"""
import json
import sys
import time
from pathlib import Path

import numpy as np


def write(d):
    d = Path(d)
    d.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20240601)
    rng.normal(0.0, 1.0, 1_000_000).astype("<f8").tofile(d / "ks_ref.f64")
    rng.normal(0.01, 1.0, 1_000_000).astype("<f8").tofile(d / "ks_cur.f64")
    rng.normal(0.0, 1.0, 100_000).astype("<f8").tofile(d / "cvm_ref.f64")
    rng.normal(0.01, 1.0, 100_000).astype("<f8").tofile(d / "cvm_cur.f64")


def load(d, name):
    return np.fromfile(Path(d) / name, dtype="<f8")


def timed(f, warm=2, reps=7):
    for _ in range(warm):
        f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[len(ts) // 2] * 1000.0, ts[0] * 1000.0


def time_scipy(d, out):
    import scipy
    from scipy import stats

    a, b = load(d, "ks_ref.f64"), load(d, "ks_cur.f64")
    c, e = load(d, "cvm_ref.f64"), load(d, "cvm_cur.f64")
    ks = stats.ks_2samp(a, b)
    dks = float(ks.statistic)
    res = {
        "scipy": scipy.__version__,
        "ks": timed(lambda: stats.ks_2samp(a, b)),
        "ksPValueOnly": timed(lambda: stats.kstwo.sf(dks, round(len(a) * len(b) / (len(a) + len(b))))),
        "wasserstein": timed(lambda: stats.wasserstein_distance(a, b)),
        "energy": timed(lambda: stats.energy_distance(a, b)),
        "cramerVonMises": timed(lambda: stats.cramervonmises_2samp(c, e)),
        "values": {
            "ks": [dks, float(ks.pvalue)],
            "wasserstein": float(stats.wasserstein_distance(a, b)),
            "energy": float(stats.energy_distance(a, b)),
            "cramerVonMises": [float(stats.cramervonmises_2samp(c, e).statistic),
                               float(stats.cramervonmises_2samp(c, e).pvalue)],
        },
    }
    Path(out).write_text(json.dumps(res, indent=1))


def ratios(scipy_json, jmh_json):
    s = json.loads(Path(scipy_json).read_text())
    j = json.loads(Path(jmh_json).read_text())
    ours = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"]["score"] for r in j}
    print(f"| subject | scipy {s['scipy']} median (ms) | mlops4j mean (ms) | scipy / mlops4j |")
    print("| --- | --- | --- | --- |")
    for k in ["ks", "ksPValueOnly", "wasserstein", "energy", "cramerVonMises"]:
        if k in ours:
            print(f"| {k} | {s[k][0]:.1f} | {ours[k]:.1f} | {s[k][0] / ours[k]:.2f}x |")
    for k in ["baselineSortBoth", "baselineSortBothCvm"]:
        if k in ours:
            print(f"| {k} (Arrays.sort) | - | {ours[k]:.1f} | - |")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "write":
        write(sys.argv[2])
    elif cmd == "time":
        time_scipy(sys.argv[2], sys.argv[3])
    elif cmd == "ratios":
        ratios(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)

"""Reference values for ProfileDriftTest, computed with numpy and scipy (not with mlops4j).

The samples are those of ProfileSamples.normal(seed, n, mean, sd): java.util.SplittableRandom
(SplitMix64, reimplemented below from its published algorithm) feeding the polar Box-Muller method.
The first value and the sum of each sample are written too, so the test can check that it draws
the same data. Run from this folder:

    python3 profile_drift_reference.py > profile-drift-reference.csv
"""
import math

import numpy as np
import scipy
from scipy.stats import ks_2samp, wasserstein_distance

MASK = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


class SplittableRandom:
    def __init__(self, seed):
        self.seed = seed & MASK

    def next_double(self):
        self.seed = (self.seed + GOLDEN_GAMMA) & MASK
        return (mix64(self.seed) >> 11) * 2.0**-53


def gaussian(r):
    while True:
        u = 2 * r.next_double() - 1
        v = 2 * r.next_double() - 1
        s = u * u + v * v
        if 0 < s < 1:
            return u * math.sqrt(-2 * math.log(s) / s)


def normal(seed, n, mean, sd):
    r = SplittableRandom(seed)
    return np.array([mean + sd * gaussian(r) for _ in range(n)])


# (case, reference (seed, n, mean, sd), current (seed, n, mean, sd)) as in ProfileDriftTest
CASES = [
    ("shift0", (1, 20_000, 0, 1), (2, 15_000, 0.0, 1)),
    ("shift0.05", (1, 20_000, 0, 1), (7, 15_000, 0.05, 1)),
    ("shift0.2", (1, 20_000, 0, 1), (22, 15_000, 0.2, 1)),
    ("shift1", (1, 20_000, 0, 1), (102, 15_000, 1.0, 1)),
    ("exact", (3, 150, 0, 1), (4, 120, 0.3, 1.2)),
]

print(f"# numpy {np.__version__}, scipy {scipy.__version__}")
print("case,quantity,value")
for case, ref_args, cur_args in CASES:
    ref = normal(*ref_args)
    cur = normal(*cur_args)
    std = np.std(ref)  # population (ddof = 0)
    w = wasserstein_distance(ref, cur)
    rows = [
        ("ref_first", ref[0]),
        ("ref_sum", math.fsum(ref)),
        ("cur_first", cur[0]),
        ("cur_sum", math.fsum(cur)),
        ("ref_std", std),
        ("wasserstein", w),
        ("wasserstein_normed", w / max(std, 0.001)),
        ("ks_statistic", ks_2samp(ref, cur).statistic),
    ]
    for name, value in rows:
        print(f"{case},{name},{float(value)!r}")

import numpy as np, scipy, warnings
from scipy.stats import wasserstein_distance, energy_distance
from fractions import Fraction as F
from decimal import Decimal, getcontext
getcontext().prec = 60
M = np.finfo(float).max
print("scipy", scipy.__version__, "numpy", np.__version__)

def exact_cdf(x, y, squared):
    x = sorted(F(v) for v in x); y = sorted(F(v) for v in y)
    allv = sorted(set(x) | set(y))
    n, m = len(x), len(y)
    tot = F(0)
    for a, b in zip(allv, allv[1:]):
        fx = F(sum(1 for v in x if v <= a), n); fy = F(sum(1 for v in y if v <= a), m)
        d = abs(fx - fy)
        tot += (d*d if squared else d) * (b - a)
    return tot

def to_float(fr):
    try:
        return float(fr)
    except OverflowError:
        return float('inf')

def sqrt_exact(fr):
    d = Decimal(fr.numerator) / Decimal(fr.denominator)
    return d.sqrt()

def std_exact(x):
    x = [F(v) for v in x]; mean = sum(x) / len(x)
    return sqrt_exact(sum((v - mean)**2 for v in x) / len(x))

sets = {
 "A (positive, near MAX)": ([1e308, 1.2e308, 1.5e308, 1.7e308], [1.1e308, 1.3e308, 1.79e308]),
 "B (both signs, range > MAX)": ([-1.7e308, -1e308, 0.0, 1e308], [-1.5e308, 5e307, 1.6e308]),
 "C (MAX vs -MAX)": ([-M, M], [M, M, -M]),
 "D (both signs, range < MAX)": ([-8e307, -1e307, 2e307, 8e307], [-7e307, 3e307, 8.5e307]),
}
for name, (x, y) in sets.items():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sw = wasserstein_distance(x, y); se = energy_distance(x, y)
    w = exact_cdf(x, y, False); e2 = exact_cdf(x, y, True)
    e = Decimal(2).sqrt() * sqrt_exact(e2)
    sd = std_exact(x)
    wn = Decimal(w.numerator)/Decimal(w.denominator) / sd
    print(name)
    print("  scipy wasserstein_distance(x, y) =", repr(sw), " exact =", repr(to_float(w)))
    print("  scipy energy_distance(x, y)      =", repr(se), " exact =", repr(float(e)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        print("  numpy std(x) =", repr(float(np.std(x))), " exact =", repr(float(sd)))
    print("  exact W/std(x) =", repr(float(wn)))

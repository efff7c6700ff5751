"""Reference for test/sales.test.ts: Newcombe's hybrid score interval for a difference of two
proportions (statsmodels confint_proportions_2indep, method="newcomb"), the pooled two-proportion
z-test (proportions_ztest), Holm's correction (multipletests) and normal tail probabilities to
full precision (scipy.stats.norm.sf). Run: /usr/bin/python3 scripts/reference/sales_reference.py"""
import json
import numpy as np
import scipy, statsmodels
from scipy.stats import norm
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
from statsmodels.stats.multitest import multipletests

tables = [(3, 8, 40, 392), (1, 8, 39, 392), (0, 8, 40, 392), (8, 8, 100, 392), (60, 100, 40, 100),
          (12, 30, 140, 270), (0, 5, 0, 95), (150, 300, 150, 300), (1, 2, 299, 598), (45, 50, 5, 50)]
rows = []
for x1, n1, x2, n2 in tables:
    lo, hi = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff", alpha=0.05)
    row = {"x1": x1, "n1": n1, "x2": x2, "n2": n2, "newcombe": [float(lo), float(hi)]}
    pooled = (x1 + x2) / (n1 + n2)
    if 0 < pooled < 1:
        z, p = proportions_ztest([x1, x2], [n1, n2])
        row["z"], row["p"] = float(z), float(p)
    rows.append(row)
zs = [0.0, 0.3, 0.7, 1.0, 1.959963984540054, 2.5, 3.7, 5.0, 8.0, 8.3, 10.0, 15.0, 25.0, 37.5]
tails = [{"z": z, "sf": float(norm.sf(z)), "cdf": float(norm.cdf(z)), "cdf_neg": float(norm.cdf(-z))} for z in zs]
pvals = [0.01, 0.04, 0.03, 0.005, 0.2, 1e-12]
holm = multipletests(pvals, method="holm")[1].tolist()
json.dump({"statsmodels": statsmodels.__version__, "scipy": scipy.__version__, "tables": rows, "tails": tails,
           "holm": {"p": pvals, "adjusted": holm}}, open("test/fixtures/reference/sales-reference.json", "w"), indent=1)
print(rows[0], tails[-1])

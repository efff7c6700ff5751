"""Reference for test/findings.test.ts: Spearman's rho (scipy.stats.spearmanr) with its two-sided
permutation p-value: exact over every ordering for n <= 8, else scipy.stats.permutation_test
(permutation_type="pairings", 9,999 random pairings, so ours agrees within Monte Carlo error),
and the paired bootstrap of a ROC AUC difference (1,000 resamples of the photos with
numpy.random.RandomState(0).randint(0, n, n), sklearn.metrics.roc_auc_score on both score sets,
resamples with one class skipped, 2.5th and 97.5th percentiles).
Run: /usr/bin/python3 scripts/reference/findings_reference.py"""
import itertools, json
import numpy as np
import scipy, sklearn
from scipy.stats import spearmanr, permutation_test
from sklearn.metrics import roc_auc_score

def spearman_case(x, y):
    rho = spearmanr(x, y).statistic
    if len(x) <= 8:
        # Every ordering of y against x (what pairings enumerates, without scipy's k! repeats).
        null = np.array([spearmanr(x, perm).statistic for perm in itertools.permutations(y)])
        # scipy's two-sided rule: twice the smaller tail, at most 1 (its relative tolerance for ties).
        eps = 1e-14 * max(1, abs(rho))
        p = float(min(1.0, 2 * min(np.mean(null <= rho + eps), np.mean(null >= rho - eps))))
        return {"x": list(map(float, x)), "y": list(map(float, y)), "rho": float(rho), "p": p, "exact": True}
    res = permutation_test((x, y), lambda a, b: spearmanr(a, b).statistic, permutation_type="pairings",
                           alternative="two-sided", n_resamples=9999, random_state=0)
    return {"x": list(map(float, x)), "y": list(map(float, y)), "rho": float(rho), "p": float(res.pvalue), "exact": False}

rng = np.random.RandomState(7)
cases = [
    spearman_case([0.3, 0.5, 0.4, 0.7, 0.6, 0.2], [0.25, 0.55, 0.3, 0.8, 0.5, 0.35]),
    spearman_case([0.1, 0.2, 0.2, 0.4, 0.5, 0.6, 0.3], [0.6, 0.5, 0.55, 0.3, 0.2, 0.1, 0.35]),
    spearman_case(list(np.round(rng.rand(12), 4)), list(np.round(rng.rand(12), 4))),
]
x = np.round(rng.rand(14), 4)
cases.append(spearman_case(list(x), list(np.round(x + 0.3 * rng.rand(14), 4))))

n = 120
y = (rng.rand(n) < 0.5).astype(int)
a = np.round(np.clip(0.5 + 0.25 * (y - 0.5) + 0.2 * rng.randn(n), 0, 1), 6)
b = np.round(np.clip(0.5 + 0.1 * (y - 0.5) + 0.2 * rng.randn(n), 0, 1), 6)
rs = np.random.RandomState(0)
diffs = []
for _ in range(1000):
    idx = rs.randint(0, n, n)
    if 0 < y[idx].sum() < n:
        diffs.append(roc_auc_score(y[idx], a[idx]) - roc_auc_score(y[idx], b[idx]))
paired = {"y": y.tolist(), "a": a.tolist(), "b": b.tolist(),
          "difference": float(roc_auc_score(y, a) - roc_auc_score(y, b)),
          "ci95": [float(np.percentile(diffs, 2.5)), float(np.percentile(diffs, 97.5))]}
json.dump({"scipy": scipy.__version__, "sklearn": sklearn.__version__, "spearman": cases, "paired_auc": paired},
          open("test/fixtures/reference/findings-reference.json", "w"), indent=1)
print([(c["rho"], c["p"]) for c in cases], paired["difference"], paired["ci95"])

"""Reference for test/cluster-names.test.ts: cluster purity (mean over clusters of the most common
category's share, photos with a category only) for a fixed small case, and its exact permutation
distribution: every distinct arrangement of the cluster labels among the categorised photos,
enumerated, so the test's seeded 1,000-draw estimates can be checked against the exact null mean
and p. Prints the values the test quotes. Run: /usr/bin/python3 scripts/reference/purity_reference.py"""
import json
from fractions import Fraction
import numpy as np

labels = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 3, 3]
categories = ["Shorts", "Shorts", "Shorts", "Skirt", None, "Skirt", "Skirt", "Dress", "Shorts", "Dress", "Dress", "Top", None, None]

keep = [i for i, c in enumerate(categories) if c]
y = np.array([labels[i] for i in keep])
names = sorted({categories[i] for i in keep})
g = np.array([names.index(categories[i]) for i in keep])


def purity(assign):
    shares = []
    for c in np.unique(assign):
        members = g[assign == c]
        shares.append(Fraction(int(np.bincount(members).max()), len(members)))
    return sum(shares) / len(shares)


def arrangements(counts, n):
    """Every distinct sequence of length n with counts[c] copies of each c."""
    if n == 0:
        yield []
        return
    for c in sorted(counts):
        if counts[c]:
            counts[c] -= 1
            for rest in arrangements(counts, n - 1):
                yield [c] + rest
            counts[c] += 1


observed = purity(y)
clusters, sizes = np.unique(y, return_counts=True)
null = [purity(np.array(a)) for a in arrangements(dict(zip(clusters.tolist(), sizes.tolist())), len(y))]
at_least = sum(1 for v in null if v >= observed)
out = {
    "labels": labels, "categories": categories,
    "purity": float(observed), "purity_fraction": str(observed), "photos": len(keep),
    "arrangements": len(null), "null_mean": float(sum(null) / len(null)),
    "p_exact": float(Fraction(at_least, len(null))),
}
print(json.dumps(out))

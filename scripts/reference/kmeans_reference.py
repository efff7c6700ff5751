"""Reference inertias for test/kmeans.test.ts: scikit-learn KMeans (n_init=10) on blobs.
Run: /usr/bin/python3 scripts/reference/kmeans_reference.py"""
import json
import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

x, _ = make_blobs(n_samples=800, n_features=16, centers=6, cluster_std=2.5, random_state=3)
x = x.round(4)
out = {"x": x.tolist(), "inertia": {}}
for k in [2, 3, 4, 5, 6, 7, 8, 10]:
    out["inertia"][str(k)] = float(KMeans(n_clusters=k, n_init=10, random_state=0).fit(x).inertia_)
json.dump(out, open("test/fixtures/reference/kmeans-reference.json", "w"))

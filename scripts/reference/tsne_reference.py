"""Reference for test/tsne.test.ts: scikit-learn's Barnes-Hut TSNE on clustered data and its
trustworthiness (k = 10). Run: /usr/bin/python3 scripts/reference/tsne_reference.py"""
import json, time
import numpy as np
from sklearn.datasets import make_blobs
from sklearn.manifold import TSNE, trustworthiness

x, y = make_blobs(n_samples=600, n_features=20, centers=6, cluster_std=4.0, random_state=1)
x = x.round(4)
t = time.perf_counter()
emb = TSNE(n_components=2, perplexity=30, init="pca", learning_rate="auto", random_state=0).fit_transform(x)
seconds = time.perf_counter() - t
out = {"x": x.tolist(), "labels": y.tolist(), "trustworthiness": float(trustworthiness(x, emb, n_neighbors=10)), "seconds": seconds}
json.dump(out, open("test/fixtures/reference/tsne-reference.json", "w"))
print(out["trustworthiness"], seconds)

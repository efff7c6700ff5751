"""Reference for test/pca.test.ts: scikit-learn's PCA(svd_solver="full") scores and explained
variances on three shapes: N > D (400 x 30 Gaussian), N < D with k = N (40 x 120), and N < D with
a decaying spectrum like network features (90 x 240). Also sklearn.manifold.trustworthiness of a
fixed stored embedding. Run: /usr/bin/python3 scripts/reference/pca_reference.py"""
import json
import numpy as np
import sklearn
from sklearn.decomposition import PCA
from sklearn.manifold import trustworthiness

rng = np.random.RandomState(0)
cases = []
def add(name, x, k):
    x = x.round(6)
    pca = PCA(n_components=k, svd_solver="full")
    scores = pca.fit_transform(x)
    cases.append({"name": name, "x": x.tolist(), "k": k, "scores": scores.tolist(),
                  "explained_variance": pca.explained_variance_.tolist(),
                  "total_variance": float(x.var(axis=0, ddof=1).sum())})

add("gaussian 400 x 30", rng.randn(400, 30), 10)
add("gram 40 x 120, k = 39", rng.randn(40, 120) * np.linspace(3, 0.5, 120), 39)
scales = 5.0 * np.arange(1, 241) ** -0.7
add("features 90 x 240", rng.randn(90, 240) * scales + rng.randn(1, 240), 30)

# trustworthiness of a fixed embedding (a noisy 2-D projection of 150 x 12 blobs)
x = (rng.randn(150, 12) + np.repeat(rng.randn(5, 12) * 4, 30, axis=0)).round(5)
emb = (x[:, :2] + 0.8 * rng.randn(150, 2)).round(5)
trust = {k: float(trustworthiness(x, emb, n_neighbors=k)) for k in (5, 10)}
json.dump({"sklearn": sklearn.__version__, "cases": cases, "trustworthiness": {"x": x.tolist(), "embedding": emb.tolist(), "values": trust}},
          open("test/fixtures/reference/pca-reference.json", "w"))
print({c["name"]: c["explained_variance"][:3] for c in cases}, trust)

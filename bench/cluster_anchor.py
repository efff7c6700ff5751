"""scikit-learn anchors for bench/run.ts: Barnes-Hut TSNE and KMeans on the same arrays.
Usage: cluster_anchor.py tsne FILE.npy | kmeans FILE.npy K_MIN K_MAX RESTARTS. Prints JSON."""
import json, resource, sys, time
import numpy as np

mode, path = sys.argv[1], sys.argv[2]
x = np.load(path)
if mode == "tsne":
    from sklearn.manifold import TSNE, trustworthiness
    t = time.perf_counter()
    y = TSNE(n_components=2, perplexity=30, init="pca", learning_rate="auto", random_state=0).fit_transform(x)
    seconds = time.perf_counter() - t
    sub = np.random.RandomState(0).permutation(len(x))[:5000]
    print(json.dumps({"seconds": seconds, "trustworthiness": float(trustworthiness(x[sub], y[sub], n_neighbors=10)), "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
else:
    from sklearn.cluster import KMeans
    k_min, k_max, restarts = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    t = time.perf_counter()
    inertia = {k: float(KMeans(n_clusters=k, n_init=restarts, random_state=0).fit(x).inertia_) for k in range(k_min, k_max + 1)}
    print(json.dumps({"seconds": time.perf_counter() - t, "inertia": inertia, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))

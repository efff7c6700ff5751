"""scikit-learn anchors for bench/run.ts: Barnes-Hut TSNE and KMeans on the same arrays, at a
given thread count (OpenMP through threadpoolctl, and TSNE's n_jobs for its neighbour search).
Usage: cluster_anchor.py THREADS tsne FILE.npy | THREADS kmeans FILE.npy K_MIN K_MAX RESTARTS.
Prints JSON."""
import json, resource, sys, time
import numpy as np
from threadpoolctl import threadpool_limits

threads, mode, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
x = np.load(path)
with threadpool_limits(limits=threads):
    if mode == "tsne":
        from sklearn.manifold import TSNE, trustworthiness
        t = time.perf_counter()
        y = TSNE(n_components=2, perplexity=30, init="pca", learning_rate="auto", random_state=0, n_jobs=threads).fit_transform(x)
        seconds = time.perf_counter() - t
        sub = np.random.RandomState(0).permutation(len(x))[:5000]
        result = {"seconds": seconds, "trustworthiness": float(trustworthiness(x[sub], y[sub], n_neighbors=10))}
    else:
        from sklearn.cluster import KMeans
        k_min, k_max, restarts = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
        t = time.perf_counter()
        inertia = {k: float(KMeans(n_clusters=k, n_init=restarts, random_state=0).fit(x).inertia_) for k in range(k_min, k_max + 1)}
        result = {"seconds": time.perf_counter() - t, "inertia": inertia}
result.update(threads=threads, peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
print(json.dumps(result))

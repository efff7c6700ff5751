"""Reference values for test/evaluate.test.ts, computed by scikit-learn and NumPy.

Run with Debian's python3-sklearn: /usr/bin/python3 scripts/reference/evaluate_reference.py
It writes test/fixtures/reference/evaluate-reference.json; the tests never run Python.
"""
import json
import numpy as np
import sklearn
from sklearn.metrics import classification_report, confusion_matrix, roc_auc_score, roc_curve, f1_score, accuracy_score

cases = []
gen = np.random.RandomState(12345)
for name, n, ties, skew in [("balanced", 400, False, 0.6), ("ties", 300, True, 0.3), ("one-class-predicted", 50, False, -5.0), ("small", 7, True, 0.5)]:
    y_true = gen.randint(0, 2, n)
    score = 1 / (1 + np.exp(-(skew * (2 * y_true - 1) + gen.normal(0, 1, n))))
    if ties:
        score = np.round(score, 1)
    if name == "one-class-predicted":
        score = score * 0.4  # every score below 0.5: nothing predicted sold
    y_pred = (score >= 0.5).astype(int)
    report = classification_report(y_true, y_pred, labels=[0, 1], target_names=["not_sold", "sold"], output_dict=True, zero_division=0)
    fpr, tpr, thresholds = roc_curve(y_true, score)
    rng = np.random.RandomState(0)
    acc, f1, auc = [], [], []
    for _ in range(1000):
        idx = rng.randint(0, n, n)
        t, p, s = y_true[idx], y_pred[idx], score[idx]
        acc.append(accuracy_score(t, p))
        f1.append(f1_score(t, p, average="macro", labels=[0, 1], zero_division=0))
        if 0 < t.sum() < n:
            auc.append(roc_auc_score(t, s))
    cases.append({
        "name": name,
        "y_true": y_true.tolist(),
        "y_score": score.tolist(),
        "y_pred": y_pred.tolist(),
        "report": report,
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=[0, 1]).tolist(),
        "roc": {"fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds": thresholds.tolist()},
        "roc_auc": roc_auc_score(y_true, score),
        "ci95": {
            "accuracy": np.percentile(acc, [2.5, 97.5]).tolist(),
            "f1_macro": np.percentile(f1, [2.5, 97.5]).tolist(),
            "roc_auc": np.percentile(auc, [2.5, 97.5]).tolist(),
        },
        "first_randint": np.random.RandomState(0).randint(0, n, 5).tolist(),
    })
json.dump({"sklearn": sklearn.__version__, "numpy": np.__version__, "cases": cases}, open("test/fixtures/reference/evaluate-reference.json", "w"))

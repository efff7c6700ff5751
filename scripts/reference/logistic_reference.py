"""Reference for test/baselines.test.ts: scikit-learn LogisticRegression (C=1, lbfgs) on
standardised features. Run: /usr/bin/python3 scripts/reference/logistic_reference.py"""
import json
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

rng = np.random.RandomState(4)
x = rng.normal(size=(300, 6)) * [1, 2, 0.5, 3, 1, 1] + [0, 1, 0, -2, 5, 0]
y = (x[:, 0] + 0.5 * x[:, 1] - 0.3 * x[:, 3] + rng.normal(size=300) > 0.5).astype(int)
scaler = StandardScaler().fit(x)
model = LogisticRegression(C=1.0, tol=1e-10, max_iter=10000).fit(scaler.transform(x), y)
# Near-constant training columns (a one-hot currency that is always EUR; 0.1 everywhere, whose
# mean is not exactly 0.1 in floating point): StandardScaler gives them scale 1, so a validation
# row with an unseen currency moves the score by its weight, not by weight / 1e-14.
x2 = np.column_stack([x[:, :3], np.ones(300), np.full(300, 0.1)])
scaler2 = StandardScaler().fit(x2)
model2 = LogisticRegression(C=1.0, tol=1e-10, max_iter=10000).fit(scaler2.transform(x2), y)
unseen = np.array([[0.3, 1.2, -0.4, 0.0, 0.1], [0.3, 1.2, -0.4, 1.0, 0.2]])
json.dump({"x": x.round(6).tolist(), "y": y.tolist(), "coef": model.coef_[0].tolist(), "intercept": float(model.intercept_[0]),
           "proba": model.predict_proba(scaler.transform(x.round(6)))[:, 1].tolist(),
           "constant": {"x": x2.tolist(), "scale": scaler2.scale_.tolist(), "coef": model2.coef_[0].tolist(),
                        "unseen": unseen.tolist(), "proba": model2.predict_proba(scaler2.transform(unseen))[:, 1].tolist()}},
          open("test/fixtures/reference/logistic-reference.json", "w"))

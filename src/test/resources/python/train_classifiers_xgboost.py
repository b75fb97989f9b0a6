"""Trains XGBoost classifiers on scikit-learn's wine data for PythonClassifiersPredictTest, with their own probabilities.

usage: train_classifiers_xgboost.py <out dir>
Writes, in <out dir>:
  wine.csv                    id, the 13 features (gaps in two of them) and target (0, 1, 2)
  xgb-multi.json / .csv       XGBClassifier (multi:softprob), 40 trees per class of depth 3; id,p0,p1,p2 from predict_proba
  xgb-softmax.json / .csv     xgb.train with multi:softmax; id,label,p0,p1,p2: predict's class and the softmax of
                              predict(output_margin=True), which predict_proba cannot give for softmax
  xgb-bin.json / .csv         XGBClassifier (binary:logistic) on target == 1; id,p1 from predict_proba[:, 1]
  xgboost-version.txt         xgboost.__version__
Every model is saved with the feature names.
"""
import sys

import numpy as np
import xgboost as xgb
from sklearn.datasets import load_wine

out = sys.argv[1]
wine = load_wine()
names = list(wine.feature_names)
x = wine.data.astype(np.float64).copy()
y = wine.target.astype(np.int64)
rows = np.arange(len(y))
x[rows % 9 == 4, 2] = np.nan   # ash
x[rows % 13 == 6, 6] = np.nan  # flavanoids
ids = 5000 + 7 * rows

with open(f"{out}/wine.csv", "w") as f:
    f.write(",".join(["id"] + names + ["target"]) + "\n")
    for i in rows:
        cells = ["" if np.isnan(v) else repr(float(v)) for v in x[i]]
        f.write(",".join([str(ids[i])] + cells + [str(y[i])]) + "\n")


def write(name, header, values):
    with open(f"{out}/{name}.csv", "w") as f:
        f.write(",".join(["id"] + header) + "\n")
        for i in rows:
            f.write(",".join([str(ids[i])] + [repr(float(v)) for v in values[i]]) + "\n")


def save_named(booster, name):
    booster.feature_names = names
    booster.save_model(f"{out}/{name}.json")


params = dict(n_estimators=40, max_depth=3, learning_rate=0.3, tree_method="hist", n_jobs=1, random_state=7)
multi = xgb.XGBClassifier(objective="multi:softprob", **params).fit(x, y)
write("xgb-multi", ["p0", "p1", "p2"], multi.predict_proba(x))
save_named(multi.get_booster(), "xgb-multi")

binary = xgb.XGBClassifier(objective="binary:logistic", **params).fit(x, (y == 1).astype(np.int64))
write("xgb-bin", ["p1"], binary.predict_proba(x)[:, 1:2])
save_named(binary.get_booster(), "xgb-bin")

dm = xgb.DMatrix(x, label=y, feature_names=names, missing=np.nan)
softmax = xgb.train({"objective": "multi:softmax", "num_class": 3, "max_depth": 3, "eta": 0.3, "tree_method": "hist",
                     "nthread": 1, "seed": 7}, dm, 40)
margin = softmax.predict(dm, output_margin=True).astype(np.float64)
p = np.exp(margin - margin.max(axis=1, keepdims=True))
p /= p.sum(axis=1, keepdims=True)
write("xgb-softmax", ["label", "p0", "p1", "p2"], np.column_stack([softmax.predict(dm), p]))
softmax.save_model(f"{out}/xgb-softmax.json")

with open(f"{out}/xgboost-version.txt", "w") as f:
    f.write(xgb.__version__)

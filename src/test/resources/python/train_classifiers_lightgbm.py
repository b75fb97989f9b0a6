"""Trains a LightGBM multiclass model for PythonClassifiersPredictTest on the wine data the XGBoost script wrote.

usage: train_classifiers_lightgbm.py <out dir>
Reads <out dir>/wine.csv (id, 13 features with gaps, target); writes lgb-multi.txt (multiclass, 30 iterations of
3 trees, 15 leaves, with the feature names) and lgb-multi.csv: id,p0,p1,p2 from predict, which for multiclass is
the sklearn wrapper's predict_proba. (This interpreter's LightGBM has no scikit-learn beside it.)
"""
import sys

import lightgbm as lgb
import numpy as np

out = sys.argv[1]
with open(f"{out}/wine.csv") as f:
    header = f.readline().strip().split(",")
data = np.genfromtxt(f"{out}/wine.csv", delimiter=",", skip_header=1, dtype=np.float64)
ids = data[:, 0].astype(np.int64)
x = data[:, 1:-1]
y = data[:, -1].astype(np.int64)
names = header[1:-1]
params = {"objective": "multiclass", "num_class": 3, "num_leaves": 15, "learning_rate": 0.2, "min_data_in_leaf": 5,
          "num_threads": 1, "seed": 7, "verbose": -1, "deterministic": True}
booster = lgb.train(params, lgb.Dataset(x, label=y, feature_name=names), num_boost_round=30)
booster.save_model(f"{out}/lgb-multi.txt")
p = booster.predict(x)
with open(f"{out}/lgb-multi.csv", "w") as f:
    f.write("id,p0,p1,p2\n")
    for i, row in zip(ids, p):
        f.write(",".join([str(i)] + [repr(float(v)) for v in row]) + "\n")

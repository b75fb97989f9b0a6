"""Trains LightGBM models for PythonModelsInteropTest and writes LightGBM's own predictions beside them.

usage: train_lightgbm.py <train.csv> <out dir>
The CSV has an id column, the features and MedHouseVal, gaps as empty cells. Writes, in <out dir>:
  lgb-reg.txt / lgb-reg.csv  regression, 60 trees of 31 leaves, with feature names
  lgb-bin.txt / lgb-bin.csv  binary on MedHouseVal > 2, saved with LightGBM's own names (Column_0, ...)
  lightgbm-version.txt       lightgbm.__version__
Each .csv holds id,prediction for every row, as LightGBM's predict gives it (probabilities for binary).
"""
import sys

import lightgbm as lgb
import numpy as np

train, out = sys.argv[1], sys.argv[2]
with open(train) as f:
    header = f.readline().strip().split(",")
data = np.genfromtxt(train, delimiter=",", skip_header=1, dtype=np.float64)  # empty cells read as nan
ids = data[:, 0].astype(np.int64)
target = header.index("MedHouseVal")
features = [c for i, c in enumerate(header) if i not in (0, target)]
x = data[:, [i for i in range(len(header)) if i not in (0, target)]]
y = data[:, target]


def write(name, booster):
    booster.save_model(f"{out}/{name}.txt")
    pred = booster.predict(x)
    with open(f"{out}/{name}.csv", "w") as f:
        f.write("id,prediction\n")
        for i, p in zip(ids, pred):
            f.write(f"{i},{float(p)!r}\n")


params = {"num_leaves": 31, "learning_rate": 0.1, "num_threads": 1, "seed": 7, "verbose": -1, "deterministic": True}
write("lgb-reg", lgb.train({**params, "objective": "regression"},
                           lgb.Dataset(x, label=y, feature_name=features), num_boost_round=60))
write("lgb-bin", lgb.train({**params, "objective": "binary"},
                           lgb.Dataset(x, label=(y > 2).astype(np.float64)), num_boost_round=60))
with open(f"{out}/lightgbm-version.txt", "w") as f:
    f.write(lgb.__version__)

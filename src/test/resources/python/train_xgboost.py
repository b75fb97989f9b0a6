"""Trains XGBoost models for PythonModelsInteropTest and writes XGBoost's own predictions beside them.

usage: train_xgboost.py <train.csv> <out dir>
The CSV has an id column, the features and MedHouseVal, gaps as empty cells. Writes, in <out dir>:
  xgb-reg.json / xgb-reg.csv  reg:squarederror, 60 trees of depth 6, with feature names
  xgb-bin.json / xgb-bin.csv  binary:logistic on MedHouseVal > 2, saved WITHOUT feature names
  xgboost-version.txt         xgboost.__version__
Each .csv holds id,prediction for every row, as XGBoost's predict gives it (probabilities for binary).
"""
import sys

import numpy as np
import xgboost as xgb

train, out = sys.argv[1], sys.argv[2]
with open(train) as f:
    header = f.readline().strip().split(",")
data = np.genfromtxt(train, delimiter=",", skip_header=1, dtype=np.float64)  # empty cells read as nan
ids = data[:, 0].astype(np.int64)
target = header.index("MedHouseVal")
features = [c for i, c in enumerate(header) if i not in (0, target)]
x = data[:, [i for i in range(len(header)) if i not in (0, target)]]
y = data[:, target]


def write(name, booster, dmatrix):
    booster.save_model(f"{out}/{name}.json")
    pred = booster.predict(dmatrix)
    with open(f"{out}/{name}.csv", "w") as f:
        f.write("id,prediction\n")
        for i, p in zip(ids, pred):
            f.write(f"{i},{float(p)!r}\n")


params = {"max_depth": 6, "eta": 0.1, "tree_method": "hist", "nthread": 1, "seed": 7}
reg = xgb.DMatrix(x, label=y, feature_names=features, missing=np.nan)
write("xgb-reg", xgb.train({**params, "objective": "reg:squarederror"}, reg, 60), reg)
binary = xgb.DMatrix(x, label=(y > 2).astype(np.float64), missing=np.nan)
write("xgb-bin", xgb.train({**params, "objective": "binary:logistic"}, binary, 60), binary)
with open(f"{out}/xgboost-version.txt", "w") as f:
    f.write(xgb.__version__)

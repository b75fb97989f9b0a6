"""XGBoost's own Python on the split Canopy trains on: the reference for Canopy's gradient_boosting.

usage: python3 xgb_regressor.py train.csv test.csv '{"n_estimators": 150, ...}' [train.csv test.csv '{...}' ...]
Each CSV: float features, the target last, no header. Prints {"mse": ..., "seconds": ..., "xgboost": ...} per
split, one line each, in order (several splits in one run import XGBoost once).
The parameters are XGBRegressor's (n_estimators, learning_rate, random_state, n_jobs), passed to XGBoost's
native training API as XGBRegressor passes them (Debian's python3-xgboost comes without scikit-learn, which
XGBRegressor needs); tree_method is hist, as Canopy's.
"""
import json
import sys
import time

import numpy as np
import xgboost


def fit(train_csv, test_csv, params_json):
    train = np.loadtxt(train_csv, delimiter=",", dtype=np.float32)
    test = np.loadtxt(test_csv, delimiter=",", dtype=np.float32)
    params = json.loads(params_json)
    rounds = params.pop("n_estimators")
    native = {"objective": "reg:squarederror", "tree_method": "hist", "eta": params.pop("learning_rate"),
              "seed": params.pop("random_state"), "nthread": params.pop("n_jobs"), **params}
    t0 = time.perf_counter()
    dtrain = xgboost.DMatrix(train[:, :-1], label=train[:, -1], missing=np.nan)
    model = xgboost.train(native, dtrain, num_boost_round=rounds)
    seconds = time.perf_counter() - t0
    predicted = model.predict(xgboost.DMatrix(test[:, :-1], missing=np.nan))
    mse = float(np.mean((predicted.astype(np.float64) - test[:, -1].astype(np.float64)) ** 2))
    return {"mse": mse, "seconds": seconds, "xgboost": xgboost.__version__}


args = sys.argv[1:]
if not args or len(args) % 3:
    raise SystemExit(__doc__)
for i in range(0, len(args), 3):
    print(json.dumps(fit(*args[i:i + 3])), flush=True)

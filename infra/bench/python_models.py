"""The libraries' side of Canopy's scoring figures for models trained in Python (docs/performance.md).

usage: python_models.py <california_housing.csv> <out dir> [--repeat N]

Trains, on every row of California housing (target MedHouseVal), with whichever of XGBoost and LightGBM this
interpreter imports (Debian's python3-xgboost is for /usr/bin/python3, pip's lightgbm for python3):
  xgb-60.json     XGBoost reg:squarederror, 60 trees of depth 6
  xgb-1000.json   the same with 1,000 trees (the load-and-convert figure)
  lgb-60.txt      LightGBM regression, 60 trees of 31 leaves
and times the library's own predict on one thread (XGBoost inplace_predict with nthread=1, LightGBM predict
with num_threads=1) over the same rows, as Canopy's `bench score --data` holds them: in memory, as doubles.
Prints one JSON line per model: rows per second, best and median of the timed passes, and rows per CPU
second of the predicting thread (what Canopy's bench also reports; a busy shared machine disturbs it less). Then score the same
files with `java -jar target/canopy-runner.jar bench score --model <out dir>/xgb-60.json --data <csv>`.
"""
import json
import os
import statistics
import sys
import time

import numpy as np

csv, out = sys.argv[1], sys.argv[2]
repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 40
os.makedirs(out, exist_ok=True)
with open(csv) as f:
    header = f.readline().strip().split(",")
data = np.genfromtxt(csv, delimiter=",", skip_header=1, dtype=np.float64)
target = header.index("MedHouseVal")
features = [c for i, c in enumerate(header) if i != target]
x = np.ascontiguousarray(data[:, [i for i in range(len(header)) if i != target]])
y = data[:, target]


def timed(name, version, predict):
    for _ in range(max(3, repeat // 4)):
        predict()  # warm-up
    seconds = []
    c0 = time.thread_time()
    for _ in range(repeat):
        t0 = time.perf_counter()
        predict()
        seconds.append(time.perf_counter() - t0)
    cpu = time.thread_time() - c0  # this thread's CPU time: with one thread the library predicts on it
    print(json.dumps({"model": name, "library": version, "rows": len(x), "repeat": repeat, "threads": 1,
                      "rowsPerSecondBest": round(len(x) / min(seconds)),
                      "rowsPerSecondMedian": round(len(x) / statistics.median(seconds)),
                      "rowsPerCpuSecond": round(len(x) * repeat / cpu)}))


try:
    import xgboost as xgb
except ImportError:
    xgb = None
if xgb is not None:
    params = {"max_depth": 6, "eta": 0.1, "tree_method": "hist", "nthread": 1, "seed": 7,
              "objective": "reg:squarederror"}
    dtrain = xgb.DMatrix(x, label=y, feature_names=features)
    booster = xgb.train(params, dtrain, 60)
    booster.save_model(f"{out}/xgb-60.json")
    xgb.train(params, dtrain, 1000).save_model(f"{out}/xgb-1000.json")
    booster.set_param({"nthread": 1})
    timed("xgb-60.json", "xgboost " + xgb.__version__, lambda: booster.inplace_predict(x))

try:
    import lightgbm as lgb
except ImportError:
    lgb = None
if lgb is not None:
    params = {"num_leaves": 31, "learning_rate": 0.1, "num_threads": 1, "seed": 7, "verbose": -1,
              "objective": "regression"}
    booster = lgb.train(params, lgb.Dataset(x, label=y, feature_name=features), num_boost_round=60)
    booster.save_model(f"{out}/lgb-60.txt")
    timed("lgb-60.txt", "lightgbm " + lgb.__version__, lambda: booster.predict(x, num_threads=1))

if xgb is None and lgb is None:
    sys.exit("neither xgboost nor lightgbm imports here: /usr/bin/python3 has Debian's python3-xgboost, "
             "python3 -m pip install lightgbm==4.7.0 adds LightGBM")

"""Ray's side of the California housing tree comparison (docs/performance.md, issue 21).

usage: ray_tree.py <california_housing.csv> [--repeat N] [--seed S]

The pattern of Ray's tree-of-actors tutorial, written here from its description: a supervisor actor creates
one trainer actor per model (scikit-learn's DecisionTreeRegressor with max_depth 15 and RandomForestRegressor
with 150 trees; XGBoost's XGBRegressor with 150 trees, depth 10, learning rate 0.1, as in the tutorial), each
trainer fits on the same split (train_test_split, test_size 0.2, random_state = --seed) and returns its state,
test MSE and time, and the driver gathers them, best first. The data comes from the CSV (this machine has no
network for fetch_california_housing), read once by the driver and put in Ray's object store.

Prints one JSON line per run: the wall time of the tree (supervisor creation to gathered results, what
Canopy's `bench tree` times) and of the whole script's Ray part (ray.init included), and each model's MSE.
Needs Ray (pip's ray 2.58.0 here), scikit-learn and XGBoost in one interpreter; see docs/performance.md.
"""
import json
import statistics
import sys
import time

import numpy as np

csv = sys.argv[1]
repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 4

t_start = time.perf_counter()
import ray  # noqa: E402  (timed: importing Ray is part of what a user of it pays)
from sklearn.ensemble import RandomForestRegressor  # noqa: E402
from sklearn.metrics import mean_squared_error  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.tree import DecisionTreeRegressor  # noqa: E402
import xgboost as xgb  # noqa: E402

with open(csv) as f:
    header = f.readline().strip().split(",")
data = np.genfromtxt(csv, delimiter=",", skip_header=1, dtype=np.float64)
target = header.index("MedHouseVal")
x = np.ascontiguousarray(data[:, [i for i in range(len(header)) if i != target]])
y = data[:, target]

CONFIGS = [
    {"name": "decision_tree", "max_depth": 15},
    {"name": "random_forest", "n_estimators": 150},
    {"name": "gradient_boosting", "max_depth": 10, "n_estimators": 150, "learning_rate": 0.1},
]


@ray.remote
class Trainer:
    def __init__(self, config, data_ref):
        self.config = config
        self.state = "INITIALIZED"
        self.x, self.y = data_ref

    def train(self, seed):
        self.state = "RUNNING"
        x_train, x_test, y_train, y_test = train_test_split(self.x, self.y, test_size=0.2, random_state=seed)
        c = self.config
        if c["name"] == "decision_tree":
            model = DecisionTreeRegressor(max_depth=c["max_depth"])
        elif c["name"] == "random_forest":
            model = RandomForestRegressor(n_estimators=c["n_estimators"], random_state=42)
        else:
            model = xgb.XGBRegressor(objective="reg:squarederror", max_depth=c["max_depth"],
                                     n_estimators=c["n_estimators"], learning_rate=c["learning_rate"],
                                     colsample_bytree=1, tree_method="hist")
        t0 = time.perf_counter()
        model.fit(x_train, y_train)
        mse = float(mean_squared_error(y_test, model.predict(x_test)))
        self.state = "DONE"
        return {"algorithm": c["name"], "state": self.state, "mse": round(mse, 4),
                "trainSeconds": round(time.perf_counter() - t0, 2)}


@ray.remote
class Supervisor:
    def __init__(self, data_ref):
        self.trainers = [Trainer.remote(c, data_ref) for c in CONFIGS]

    def work(self, seed):
        return ray.get([t.train.remote(seed) for t in self.trainers])


ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
data_ref = ray.put((x, y))
t_ready = time.perf_counter()
walls = []
for run in range(repeat):
    t0 = time.perf_counter()
    supervisor = Supervisor.remote(data_ref)
    results = sorted(ray.get(supervisor.work.remote(seed)), key=lambda r: r["mse"])
    wall = time.perf_counter() - t0
    walls.append(wall)
    ray.kill(supervisor)
    print(json.dumps({"run": run, "wallMillis": round(wall * 1000), "seed": seed, "results": results,
                      "ray": ray.__version__, "xgboost": xgb.__version__}), flush=True)
print(json.dumps({"medianWallMillis": round(statistics.median(walls) * 1000),
                  "importAndInitMillis": round((t_ready - t_start) * 1000)}))
ray.shutdown()

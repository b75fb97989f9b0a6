#!/usr/bin/env bash
# Canopy's training tree and Ray's tree of actors, back to back, one seed at a time (docs/performance.md,
# "California housing against Ray's tree of actors"): for each seed, `bench tree --repeat 8` with every jar
# given, then infra/bench/ray_tree.py --repeat 3. Prints one line per bench: the median wall time, the runs,
# and each algorithm's test MSE.
#
# usage: infra/bench/tree_vs_ray.sh <california_housing.csv> <python with ray> <seed>... [-- <jar>...]
#        (jars default to target/canopy-runner.jar; run from the repository root, java 25 on PATH)
set -euo pipefail
data=$1 python=$2
shift 2
seeds=() jars=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do seeds+=("$1"); shift; done
if [ $# -gt 0 ]; then shift; jars=("$@"); fi
[ ${#jars[@]} -gt 0 ] || jars=(target/canopy-runner.jar)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for seed in "${seeds[@]}"; do
  for jar in "${jars[@]}"; do
    java -jar "$jar" bench tree --data "$data" --seed "$seed" --repeat 8 --json --out "$out/runs" 2>/dev/null > "$out/tree.json"
    python3 - "$out/tree.json" "$seed" "$jar" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("%s seed %s canopy %s: median %d ms, runs %s, mse %s" % (__import__("time").strftime("%H:%M:%S"), sys.argv[2],
      sys.argv[3], d["medianWallMillis"], [r["wallMillis"] for r in d["runs"]],
      {a["algorithm"]: round(a["mse"], 4) for a in d["algorithms"]}))
PY
  done
  "$python" infra/bench/ray_tree.py "$data" --repeat 3 --seed "$seed" 2>/dev/null > "$out/ray.jsonl"
  python3 - "$out/ray.jsonl" "$seed" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
runs = [l for l in lines if "run" in l]
median = next(l["medianWallMillis"] for l in lines if "medianWallMillis" in l)
mse = {}
for r in runs:
    for a in r["results"]:
        mse.setdefault(a["algorithm"], []).append(a["mse"])
print("%s seed %s ray: median %d ms, runs %s, mse %s" % (__import__("time").strftime("%H:%M:%S"), sys.argv[2], median,
      [r["wallMillis"] for r in runs], {k: (min(v), max(v)) for k, v in mse.items()}))
PY
done

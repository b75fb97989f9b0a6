"""scikit-learn's answers for the classification tests (ScikitLearnOracle runs it with /usr/bin/python3).

Every command but serve prints one JSON document on stdout.
  split LABELS TEST_SIZE SEED        train_test_split(arange(n), stratify=y, ...) for the labels in LABELS
  california CSV TEST_SIZE SEED      the same with y = MedHouseVal > 2, read here from the CSV
  kfold LABELS K SEED                StratifiedKFold(K, shuffle=True, random_state=SEED): test indices per fold
  metrics TRUTH PROBA                log loss, accuracy, balanced accuracy, macro F1 (+ ROC AUC, AP for 2 classes)
  roc TRUTH SCORES                   roc_curve(drop_intermediate=True)
  calibration TRUTH SCORES           calibration_curve(y, s, n_bins=10): observed fraction and mean score per bin
  wine                               the path of the wine CSV that python3-sklearn ships
  classifiers NAME CSV TEST_SIZE SEED TREES
                                     writes scikit-learn's bundled data set NAME (breast_cancer, wine) to CSV
                                     (features, then "target"), and the test accuracy of RandomForestClassifier
                                     (TREES trees, max_features="sqrt") and DecisionTreeClassifier on the stratified split
  serve                              reads commands, one per line with their words separated by tabs, from stdin
                                     until it closes; answers each with a line {"answer": ...} or {"error": ...}
                                     on stdout, after a first line {"ready": VERSION} (importing scikit-learn takes
                                     seconds: ScikitLearnOracle keeps one process for a test class)
LABELS holds one label per line (integers when every line is one, else text); TRUTH one class code per line;
PROBA one row of comma-separated class probabilities per line; SCORES one score per line.
"""
import csv
import json
import os
import sys
import traceback

import numpy as np
import sklearn
from sklearn import metrics
from sklearn.model_selection import StratifiedKFold, train_test_split


def labels(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    try:
        return np.array([int(x) for x in lines])
    except ValueError:
        return np.array(lines)


def split(y, test_size, seed):
    train, test = train_test_split(np.arange(len(y)), stratify=y, test_size=float(test_size), random_state=int(seed))
    return {"train": train.tolist(), "test": test.tolist()}


def serve():
    answers = sys.stdout
    # what a library prints must not be read as an answer
    sys.stdout = sys.stderr
    answers.write(json.dumps({"ready": sklearn.__version__}) + "\n")
    answers.flush()
    for line in sys.stdin:
        try:
            out = {"answer": main([sys.argv[0]] + line.rstrip("\n").split("\t"))}
        except (Exception, SystemExit):  # noqa: BLE001  (the test fails with the traceback; the next command runs)
            out = {"error": traceback.format_exc()}
        answers.write(json.dumps(out) + "\n")
        answers.flush()


def main(argv):
    cmd = argv[1]
    if cmd == "split":
        out = split(labels(argv[2]), argv[3], argv[4])
    elif cmd == "california":
        with open(argv[2], newline="") as f:
            rows = list(csv.DictReader(f))
        y = np.array([float(r["MedHouseVal"]) > 2 for r in rows])
        out = split(y, argv[3], argv[4])
        out["positives"] = int(y.sum())
    elif cmd == "kfold":
        y = labels(argv[2])
        cv = StratifiedKFold(int(argv[3]), shuffle=True, random_state=int(argv[4]))
        out = [test.tolist() for _, test in cv.split(np.zeros(len(y)), y)]
    elif cmd == "metrics":
        y = labels(argv[2])
        p = np.loadtxt(argv[3], delimiter=",", ndmin=2)
        pred = np.argmax(p, axis=1)
        out = {
            "log_loss": metrics.log_loss(y, p, labels=list(range(p.shape[1]))),
            "accuracy": metrics.accuracy_score(y, pred),
            "balanced_accuracy": metrics.balanced_accuracy_score(y, pred),
            "macro_f1": metrics.f1_score(y, pred, average="macro", zero_division=0),
            "confusion": metrics.confusion_matrix(y, pred, labels=list(range(p.shape[1]))).tolist(),
        }
        if p.shape[1] == 2:
            out["roc_auc"] = metrics.roc_auc_score(y, p[:, 1])
            out["average_precision"] = metrics.average_precision_score(y, p[:, 1])
    elif cmd == "roc":
        y = labels(argv[2])
        s = np.loadtxt(argv[3], ndmin=1)
        fpr, tpr, _ = metrics.roc_curve(y, s)
        out = {"fpr": fpr.tolist(), "tpr": tpr.tolist()}
    elif cmd == "calibration":
        from sklearn.calibration import calibration_curve
        y = labels(argv[2])
        s = np.loadtxt(argv[3], ndmin=1)
        observed, predicted = calibration_curve(y, s, n_bins=10)
        out = {"observed": observed.tolist(), "predicted": predicted.tolist()}
    elif cmd == "classifiers":
        from sklearn import datasets
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.tree import DecisionTreeClassifier
        bunch = getattr(datasets, "load_" + argv[2])()
        x, y = bunch.data, bunch.target
        names = [n.replace(" ", "_") for n in bunch.feature_names]
        with open(argv[3], "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(names + ["target"])
            for row, label in zip(x, y):
                w.writerow([repr(float(v)) for v in row] + [int(label)])
        seed = int(argv[5])
        train, test = train_test_split(np.arange(len(y)), stratify=y, test_size=float(argv[4]), random_state=seed)
        rf = RandomForestClassifier(n_estimators=int(argv[6]), max_features="sqrt", random_state=seed)
        dt = DecisionTreeClassifier(random_state=seed)
        out = {"test": test.tolist(), "features": len(names)}
        for name, model in (("random_forest", rf), ("decision_tree", dt)):
            model.fit(x[train], y[train])
            out[name] = float(metrics.accuracy_score(y[test], model.predict(x[test])))
            out[name + "_log_loss"] = float(metrics.log_loss(y[test], model.predict_proba(x[test])))
    elif cmd == "wine":
        out = os.path.join(os.path.dirname(sklearn.datasets.__file__), "data", "wine_data.csv")
    else:
        raise SystemExit("unknown command " + cmd)
    return out


if __name__ == "__main__":
    import sklearn.datasets  # noqa: F401  (for the wine path)
    if sys.argv[1] == "serve":
        serve()
    else:
        print(json.dumps(main(sys.argv)))

"""A scikit-learn grid search, one parameter set per unit: k-fold cross-validation of a support vector classifier on
the handwritten digits that ship with scikit-learn. Partita spreads the grid's parameter sets over the partitions.

Run by Partita (the program protocol), or on its own for the same grid in one process:

    python3 grid_search.py --grid '{"C": [1, 10], "gamma": [0.001, 0.01]}' --folds 5
"""

import argparse
import itertools
import json
import os
import sys
import time

from sklearn.datasets import load_digits
from sklearn.model_selection import KFold, cross_val_score
from sklearn.svm import SVC

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sdk", "python"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import partita_program as partita  # noqa: E402

_data = None


def digits():
    global _data
    if _data is None:
        _data = load_digits(return_X_y=True)
    return _data


def score(parameters, folds, seed):
    """Cross-validates one parameter set: one output row with its fold scores, their mean and deviation."""
    x, y = digits()
    model = SVC(kernel=parameters.get("kernel", "rbf"), C=float(parameters["C"]), gamma=float(parameters["gamma"]))
    started = time.perf_counter()
    scores = cross_val_score(model, x, y, cv=KFold(n_splits=folds, shuffle=True, random_state=seed))
    return {
        "kernel": parameters.get("kernel", "rbf"),
        "c": float(parameters["C"]),
        "gamma": float(parameters["gamma"]),
        "mean_accuracy": float(scores.mean()),
        "std_accuracy": float(scores.std()),
        "fold_accuracies": json.dumps([float(s) for s in scores]),
        "fit_seconds": time.perf_counter() - started,
    }


def partition(context):
    folds = int(partita.params().get("folds", 5))
    seed = int(partita.params().get("seed", 0))
    units = list(partita.items())
    for done, parameters in enumerate(units, 1):
        yield score(parameters, folds, seed)
        partita.progress(done, len(units))


def main():
    if "PARTITA_INPUT" in os.environ:
        partita.run(partition)
        return
    parser = argparse.ArgumentParser(description="the same grid search in one process, rows as JSON lines")
    parser.add_argument("--grid", required=True, help="JSON object: parameter name -> list of values")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    grid = json.loads(args.grid)
    names = list(grid)
    for values in itertools.product(*(grid[n] for n in names)):
        partita.write(score(dict(zip(names, values)), args.folds, args.seed))


if __name__ == "__main__":
    main()

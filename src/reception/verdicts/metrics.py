"""Accuracy and calibration of verdict probabilities."""

from __future__ import annotations

import numpy as np


def accuracy(probabilities, labels) -> float:
    p, y = np.asarray(probabilities, float), np.asarray(labels, int)
    return float(((p >= 0.5).astype(int) == y).mean())


def expected_calibration_error(probabilities, labels, bins: int = 15) -> float:
    """ECE over equal-width bins of P(positive): the mean |observed rate - predicted|,
    weighted by each bin's share of the examples."""
    p, y = np.asarray(probabilities, float), np.asarray(labels, float)
    which = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        in_bin = which == b
        if in_bin.any():
            total += in_bin.mean() * abs(y[in_bin].mean() - p[in_bin].mean())
    return float(total)


def fit_platt(logits, labels) -> tuple[float, float]:
    """Scale and shift of the logit that minimise log-loss on held-out data (Platt scaling)."""
    from sklearn.linear_model import LogisticRegression

    x = np.asarray(logits, float).reshape(-1, 1)
    fitted = LogisticRegression(C=1e6).fit(x, np.asarray(labels, int))
    return float(fitted.coef_[0, 0]), float(fitted.intercept_[0])


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, float)))

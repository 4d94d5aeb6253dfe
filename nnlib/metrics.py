"""Metrics on predictions, each agreeing with scikit-learn's function of the same purpose.

``y_true`` and ``y_pred`` are ``(N,)`` or ``(N, K)``. Classification metrics take labels.
"""
import numpy as np

from ._checks import as_array, lookup, non_negative_float, positive_int, same_rows


def _pair(y_true, y_pred):
    y_true = as_array(y_true, "y_true", ndim=(1, 2))
    y_pred = as_array(y_pred, "y_pred", ndim=(1, 2))
    same_rows(y_true, y_pred, "y_true", "y_pred")
    # A single column and a flat vector mean the same thing.
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        y_true = y_true[:, 0]
    if y_pred.ndim == 2 and y_pred.shape[1] == 1:
        y_pred = y_pred[:, 0]
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, "
                         f"got {y_true.shape} and {y_pred.shape}")
    return y_true, y_pred


def accuracy(y_true, y_pred):
    """Fraction of labels predicted exactly (sklearn.metrics.accuracy_score)."""
    y_true, y_pred = _pair(y_true, y_pred)
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        fractional = y[y != np.round(y)] if np.issubdtype(y.dtype, np.floating) else y[:0]
        if fractional.size:
            # Probabilities compared with labels would give a silent, meaningless 0.0.
            raise ValueError(f"{name} must hold class labels (whole numbers), got non-integer "
                             f"values such as {fractional.flat[0]:.4g}; turn probabilities "
                             f"into labels first (model.predict_labels)")
    if y_true.ndim == 2:  # multi-label rows count as right only when every label is
        return float(np.mean(np.all(y_true == y_pred, axis=1)))
    return float(np.mean(y_true == y_pred))


def mean_squared_error(y_true, y_pred):
    """Mean of (y - y_hat)^2 over samples and outputs (sklearn.metrics.mean_squared_error)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean((y_true - y_pred) ** 2))


def mean_absolute_error(y_true, y_pred):
    """Mean of |y - y_hat| (sklearn.metrics.mean_absolute_error)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean(np.abs(y_true - y_pred)))


def r2_score(y_true, y_pred):
    """Coefficient of determination 1 - SS_res / SS_tot, averaged over outputs.

    Matches sklearn.metrics.r2_score (multioutput='uniform_average'), including its conventions
    for a constant target: 1.0 for a perfect prediction, 0.0 otherwise.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if len(y_true) < 2:
        raise ValueError(f"r2_score needs at least 2 samples, got {len(y_true)}")
    yt = y_true.reshape(len(y_true), -1).astype(np.float64)
    yp = y_pred.reshape(len(y_pred), -1).astype(np.float64)
    ss_res = np.sum((yt - yp) ** 2, axis=0)
    ss_tot = np.sum((yt - yt.mean(axis=0)) ** 2, axis=0)
    scores = np.where(ss_tot > 0, 1.0 - ss_res / np.where(ss_tot > 0, ss_tot, 1.0),
                      np.where(ss_res == 0, 1.0, 0.0))
    return float(np.mean(scores))


def accuracy_within(y_true, y_pred, tol):
    """Fraction of predictions within ``tol`` of the truth: mean(|y - y_hat| <= tol)."""
    tol = non_negative_float(tol, "tol")
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean(np.abs(y_true - y_pred) <= tol))


def confusion_matrix(y_true, y_pred, n_classes=None):
    """C[i, j] = number of samples of class i predicted as class j (labels 0..n_classes-1).

    Agrees with sklearn.metrics.confusion_matrix(y_true, y_pred, labels=range(n_classes)).
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if y_true.ndim != 1:
        raise ValueError(f"confusion_matrix needs 1-D labels, got shape {y_true.shape}")
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if not np.all(y == np.round(y)) or y.min() < 0:
            raise ValueError(f"{name} must hold non-negative integer labels, "
                             f"got values in [{y.min()}, {y.max()}]")
    k = int(max(y_true.max(), y_pred.max())) + 1
    if n_classes is None:
        n_classes = k
    elif positive_int(n_classes, "n_classes") < k:
        raise ValueError(f"n_classes must be at least {k} for these labels, got {n_classes}")
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(C, (y_true.astype(np.intp), y_pred.astype(np.intp)), 1)
    return C


# Metrics the training loop can compute by name. Classification metrics are fed labels.
_LABEL_METRICS = {"accuracy": accuracy}
_VALUE_METRICS = {"r2": r2_score, "mse": mean_squared_error, "mae": mean_absolute_error}
METRICS = {**_LABEL_METRICS, **_VALUE_METRICS}


def output_to_labels(y_hat):
    """Labels (N,) from a network's output (N, K): argmax of K > 1 columns, else y_hat >= 0.5."""
    if y_hat.shape[1] > 1:
        return np.argmax(y_hat, axis=1)
    return (y_hat[:, 0] >= 0.5).astype(np.intp)


def _labels(y):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1)  # one-hot rows
    return y.reshape(len(y))


def check_metrics(metrics):
    """``metrics`` as ``[(name, fn or None)]``: names are looked up, functions must be callable."""
    if isinstance(metrics, str):
        metrics = [metrics]
    if isinstance(metrics, dict):
        items = list(metrics.items())
        for name, fn in items:
            if not isinstance(name, str) or not callable(fn):
                raise TypeError(f"metrics must map names (str) to functions fn(y_true, y_hat), "
                                f"got {name!r}: {type(fn).__name__}")
        return items
    if isinstance(metrics, (list, tuple)):
        for name in metrics:
            lookup(METRICS, name, "metric")
        return [(m, None) for m in metrics]
    raise TypeError(f"metrics must be a list of names (e.g. ['accuracy']) or a dict "
                    f"{{name: fn(y_true, y_hat)}}, got {type(metrics).__name__}")


def compute_metrics(metrics, y, y_hat):
    """Evaluate metrics given as names (``['accuracy', 'r2']``) or ``{name: fn(y, y_hat)}``."""
    items = check_metrics(metrics)
    out = {}
    for name, fn in items:
        if fn is not None:
            value = fn(y, y_hat)
            if isinstance(value, (bool, np.bool_)) or not isinstance(value,
                                                                     (int, float, np.number)):
                raise TypeError(f"metric {name!r} must return a number, got "
                                f"{type(value).__name__}")
            out[name] = float(value)
            continue
        key = name.lower() if isinstance(name, str) else name
        metric = lookup(METRICS, key, "metric")
        try:
            if key in _LABEL_METRICS:  # classification metrics compare labels, not probabilities
                out[key] = metric(_labels(y), output_to_labels(y_hat))
            else:
                out[key] = metric(y, y_hat)
        except ValueError as exc:
            raise ValueError(f"metric {key!r} cannot compare targets of shape {np.shape(y)} with "
                             f"outputs of shape {np.shape(y_hat)} ({exc}); 'accuracy' is for "
                             f"classifiers, {sorted(_VALUE_METRICS)} for regression") from None
    return out

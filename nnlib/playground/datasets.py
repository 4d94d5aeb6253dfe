"""The playground's data sets: points (x1, x2) in the square [-6, 6]^2, drawn from a seed.

Every generator takes ``(n, noise, rng)``, with ``noise`` a fraction in [0, 0.5], and returns
``X`` (n, 2) and ``y`` (n,): integer class labels for classification, values of about -1 to 1 for
regression. The six of TensorFlow Playground follow its recipes (for circle, XOR and the two
regressions the label is taken at a noisy copy of the point, so noise blurs the boundary);
four circles, two moons and three Gaussians are this collection's.
"""
import numpy as np

from .._checks import as_array, same_rows
from ..datasets import in_four_circles

EXTENT = 6.0  # the pictures show the square [-EXTENT, EXTENT]^2


def _circle(n, noise, rng):
    # Class 1 inside radius 2.5, class 0 in the ring from 3.5 to 5 (TF Playground's "circle").
    radius = 5.0
    n_in = n // 2
    r = np.concatenate([rng.uniform(0, radius * 0.5, n_in), rng.uniform(radius * 0.7, radius,
                                                                       n - n_in)])
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    noisy = X + rng.uniform(-radius, radius, (n, 2)) * noise
    return X, (np.hypot(noisy[:, 0], noisy[:, 1]) < radius * 0.5).astype(np.intp)


def _xor(n, noise, rng):
    X = rng.uniform(-5, 5, (n, 2))
    X += np.where(X > 0, 0.3, -0.3)  # a gap of 0.6 along both axes
    noisy = X + rng.uniform(-5, 5, (n, 2)) * noise
    return X, (noisy[:, 0] * noisy[:, 1] >= 0).astype(np.intp)


def _gauss(n, noise, rng):
    # Two round Gaussians at (2, 2) (class 1) and (-2, -2); the variance grows from 0.5 to 4.
    sd = np.sqrt(0.5 + 7.0 * noise)
    y = (np.arange(n) < n // 2).astype(np.intp)
    centres = np.where(y[:, None] == 1, 2.0, -2.0)
    return centres + sd * rng.standard_normal((n, 2)), y


def _spiral(n, noise, rng):
    # Two arms, half a turn apart, each winding 1.75 times out to radius 5.
    half = n // 2
    parts = []
    for label, count, shift in ((1, half, 0.0), (0, n - half, np.pi)):
        i = np.arange(count)
        r = i / count * 5
        t = 1.75 * i / count * 2 * np.pi + shift
        X = np.column_stack([r * np.sin(t), r * np.cos(t)])
        parts.append((X + rng.uniform(-1, 1, (count, 2)) * noise, np.full(count, label)))
    return np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts]).astype(np.intp)


def _four_circles(n, noise, rng):
    # notebook 09's four circles, carried from [0, 4]^2 to [-6, 6]^2 by x -> 3x - 6.
    X = rng.uniform(-EXTENT, EXTENT, (n, 2))
    noisy = X + rng.uniform(-EXTENT, EXTENT, (n, 2)) * noise
    return X, in_four_circles((noisy + 6.0) / 3.0)


def _two_moons(n, noise, rng):
    # Two interleaved half circles of radius 1 (as scikit-learn's make_moons), scaled by 4.
    half = n // 2
    t_out, t_in = rng.uniform(0, np.pi, half), rng.uniform(0, np.pi, n - half)
    X = np.vstack([np.column_stack([np.cos(t_out), np.sin(t_out)]),
                   np.column_stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)])])
    X = (X - [0.5, 0.25]) * 4.0 + rng.standard_normal((n, 2)) * noise * 2.0
    return X, (np.arange(n) >= half).astype(np.intp)


def _three_gaussians(n, noise, rng):
    # Three classes: Gaussians 3.5 from the centre, 120 degrees apart.
    angles = np.deg2rad([90.0, 210.0, 330.0])
    centres = 3.5 * np.column_stack([np.cos(angles), np.sin(angles)])
    y = np.arange(n) % 3
    return centres[y] + np.sqrt(0.5 + 7.0 * noise) * rng.standard_normal((n, 2)), y


def _plane(n, noise, rng):
    X = rng.uniform(-EXTENT, EXTENT, (n, 2))
    noisy = X + rng.uniform(-EXTENT, EXTENT, (n, 2)) * noise
    return X, noisy.sum(axis=1) / 10.0


_BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                   [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], dtype=float)


def _multi_gauss(n, noise, rng):
    # Six cones of height +-1 and radius 2; a point takes the value of the tallest one there.
    X = rng.uniform(-EXTENT, EXTENT, (n, 2))
    noisy = X + rng.uniform(-EXTENT, EXTENT, (n, 2)) * noise
    d = np.hypot(noisy[:, None, 0] - _BUMPS[:, 0], noisy[:, None, 1] - _BUMPS[:, 1])
    values = _BUMPS[:, 2] * np.clip(1 - d / 2, 0, 1)
    return X, values[np.arange(n), np.abs(values).argmax(axis=1)]


CLASSIFICATION = {"circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _spiral,
                  "four_circles": _four_circles, "two_moons": _two_moons,
                  "three_gaussians": _three_gaussians}
REGRESSION = {"plane": _plane, "multi_gauss": _multi_gauss}
GENERATORS = {"classification": CLASSIFICATION, "regression": REGRESSION}


class Dataset:
    """A training and a test set of points with their targets, and the square the pictures show.

    ``X_train`` (N_train, 2), ``y_train`` (N_train,), ``X_test`` (N_test, 2), ``y_test``
    (N_test,); ``n_classes`` is K for classification and 0 for regression; ``extent`` is
    ``(lo, hi)``, the range of both coordinates in the pictures.
    """

    def __init__(self, X_train, y_train, X_test, y_test, n_classes, extent):
        self.X_train, self.y_train = X_train, y_train
        self.X_test, self.y_test = X_test, y_test
        self.n_classes, self.extent = n_classes, extent


def split(X, y, train_percent, n_classes, extent, rng):
    """Shuffle the rows of ``X`` (N, 2) and ``y`` (N,) and cut them into a Dataset."""
    order = rng.permutation(len(X))
    n_train = min(max(1, round(len(X) * train_percent / 100)), len(X) - 1)
    tr, te = order[:n_train], order[n_train:]
    return Dataset(X[tr], y[tr], X[te], y[te], n_classes, extent)


def generate(problem, name, n_samples, noise_percent, train_percent, rng):
    """The named built-in data set, split for training and testing."""
    X, y = GENERATORS[problem][name](n_samples, noise_percent / 100.0, rng)
    n_classes = int(y.max()) + 1 if problem == "classification" else 0
    return split(X, y, train_percent, n_classes, (-EXTENT, EXTENT), rng)


def check_user_data(data, problem):
    """``data = (X, y)`` checked as the playground's own data: X (N, 2), y (N,); returns copies.

    Classification needs integer labels 0..K-1 with K >= 2; regression, finite values.
    """
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"data must be a pair (X, y), got {type(data).__name__}")
    X = as_array(data[0], "data X", ndim=2, dtype=np.float64).copy()
    y = as_array(data[1], "data y", ndim=1).copy()
    if X.shape[1] != 2:
        raise ValueError(f"data X must have 2 columns (x1, x2), since the playground draws the "
                         f"plane of the inputs, got shape {X.shape}")
    same_rows(X, y, "data X", "data y")
    if len(X) < 4:
        raise ValueError(f"data must hold at least 4 points (some to train on, some to test), "
                         f"got {len(X)}")
    if problem == "regression":
        return X, y.astype(np.float64), 0
    if not np.all(y == np.round(y)) or y.min() < 0:
        raise ValueError(f"data y must hold class labels 0, 1, ..., K-1 for classification, "
                         f"got values in [{y.min()}, {y.max()}]")
    y = y.astype(np.intp)
    n_classes = int(y.max()) + 1
    if n_classes < 2:
        raise ValueError(f"data y must hold at least 2 classes (labels 0 and 1), got only {y[0]}")
    return X, y, n_classes


def user_extent(X):
    """A square (lo, hi) holding every point of ``X`` (N, 2), with a margin of a tenth."""
    lo, hi = float(X.min()), float(X.max())
    pad = 0.1 * (hi - lo) if hi > lo else 1.0
    return lo - pad, hi + pad

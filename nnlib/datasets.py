"""Seeded, offline data sets for the notebooks; each takes ``rng`` (a seed or Generator)."""
import numpy as np

from ._checks import as_array, as_rng, non_negative_float, positive_int

FOUR_CIRCLE_CENTRES = np.array([[1.0, 1.0], [1.0, 3.0], [3.0, 1.0], [3.0, 3.0]])
FOUR_CIRCLE_RADIUS = np.sqrt(0.5)


def make_body_fat(n_samples=1000, noise=5.0, rng=None):
    """Synthetic body fat from height and weight: y = 0.25 height + 0.2 weight + noise.

    Heights (cm) are drawn from N(170, 10^2), weights (kg) from N(70, 15^2), and the noise from
    N(0, noise^2), so no model can get a mean squared error much below noise^2.
    Returns ``X`` (N, 2) = [height, weight] and ``y`` (N,).
    """
    n = positive_int(n_samples, "n_samples")
    noise = non_negative_float(noise, "noise")
    rng = as_rng(rng)
    height = rng.normal(170.0, 10.0, n)
    weight = rng.normal(70.0, 15.0, n)
    y = 0.25 * height + 0.2 * weight + rng.normal(0.0, noise, n)
    return np.column_stack([height, weight]), y


def in_four_circles(X):
    """1 where a point (row of ``X``, shape (N, 2)) lies inside one of the four circles, else 0."""
    X = as_array(X, "X", ndim=2, dtype=np.float64)
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 columns (x1, x2), got shape {X.shape}")
    d2 = ((X[:, None, :] - FOUR_CIRCLE_CENTRES[None, :, :]) ** 2).sum(axis=2)
    return (d2 <= FOUR_CIRCLE_RADIUS ** 2).any(axis=1).astype(np.intp)


def make_four_circles(n_samples=1000, rng=None):
    """Points uniform in the square [0, 4]^2, labelled 1 inside any of four circles of radius
    sqrt(0.5) centred at (1, 1), (1, 3), (3, 1), (3, 3), else 0 (about 39 % are 1).

    Returns ``X`` (N, 2) and ``y`` (N,) of integers.
    """
    n = positive_int(n_samples, "n_samples")
    X = as_rng(rng).uniform(0.0, 4.0, size=(n, 2))
    return X, in_four_circles(X)


def load_iris_petals():
    """The multi-task Iris data: petal length and width, setosa or not, and petal area.

    Built from scikit-learn's bundled copy of Iris (no download). Returns ``X`` (150, 2) =
    [petal length, petal width] in cm, ``y_setosa`` (150,) = 1 for the 50 setosa rows else 0,
    and ``y_area`` (150,) = petal length x petal width in cm^2. Rows keep Iris's order, which is
    sorted by species: shuffle before splitting.
    """
    from sklearn.datasets import load_iris  # imported here: nnlib itself needs only NumPy

    iris = load_iris()
    X = iris.data[:, 2:4].copy()
    y_setosa = (iris.target == 0).astype(np.intp)
    y_area = X[:, 0] * X[:, 1]
    return X, y_setosa, y_area

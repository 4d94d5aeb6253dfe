"""The seeded offline data sets: shapes, seeds, and the relations they are built on."""
import numpy as np
import pytest

import nnlib.datasets as ds


def test_body_fat_shapes_and_seed():
    X, y = ds.make_body_fat(rng=0)
    assert X.shape == (1000, 2) and y.shape == (1000,)
    X2, y2 = ds.make_body_fat(rng=0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = ds.make_body_fat(rng=1)
    assert not np.array_equal(X, X3)
    X4, _ = ds.make_body_fat(rng=np.random.default_rng(0))
    np.testing.assert_array_equal(X, X4)
    assert ds.make_body_fat(n_samples=7, rng=0)[0].shape == (7, 2)


def test_body_fat_plausible_heights_and_weights():
    X, _ = ds.make_body_fat(n_samples=20000, rng=0)
    assert X[:, 0].mean() == pytest.approx(170, abs=0.5) and X[:, 0].std() == pytest.approx(10, rel=0.03)
    assert X[:, 1].mean() == pytest.approx(70, abs=0.5) and X[:, 1].std() == pytest.approx(15, rel=0.03)


def test_body_fat_relation_without_noise_is_exact():
    X, y = ds.make_body_fat(n_samples=50, noise=0.0, rng=0)
    np.testing.assert_allclose(y, 0.25 * X[:, 0] + 0.2 * X[:, 1], rtol=1e-14)


def test_body_fat_least_squares_recovers_coefficients():
    X, y = ds.make_body_fat(n_samples=20000, noise=5.0, rng=0)
    A = np.column_stack([X, np.ones(len(X))])
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    # standard errors here are about 0.004 and 0.003; 0.02 is five of them
    assert coef[0] == pytest.approx(0.25, abs=0.02)
    assert coef[1] == pytest.approx(0.2, abs=0.02)
    residual = y - A @ coef
    assert residual.std() == pytest.approx(5.0, rel=0.03)  # the noise floor


def test_four_circles_shapes_seed_and_share():
    X, y = ds.make_four_circles(n_samples=20000, rng=0)
    assert X.shape == (20000, 2) and y.shape == (20000,)
    assert np.issubdtype(y.dtype, np.integer) and set(np.unique(y)) == {0, 1}
    assert X.min() >= 0.0 and X.max() <= 4.0
    # area of four circles of radius sqrt(0.5) over the square's 16: 2 pi / 16 = 0.3927
    assert y.mean() == pytest.approx(2 * np.pi / 16, abs=0.015)
    X2, y2 = ds.make_four_circles(n_samples=20000, rng=0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(X, ds.make_four_circles(n_samples=20000, rng=1)[0])


def test_four_circles_labels_match_geometry():
    X, y = ds.make_four_circles(n_samples=2000, rng=3)
    inside = np.zeros(len(X), dtype=bool)
    for cx, cy in [(1, 1), (1, 3), (3, 1), (3, 3)]:
        inside |= (X[:, 0] - cx) ** 2 + (X[:, 1] - cy) ** 2 <= 0.5
    np.testing.assert_array_equal(y, inside.astype(int))
    np.testing.assert_array_equal(ds.FOUR_CIRCLE_CENTRES, [[1, 1], [1, 3], [3, 1], [3, 3]])
    assert ds.FOUR_CIRCLE_RADIUS == pytest.approx(np.sqrt(0.5))
    probes = np.array([[1.0, 1.0], [3.0, 3.0], [2.0, 2.0], [0.0, 0.0], [1.0, 1.0 + 0.7], [1.0, 1.0 + 0.71]])
    np.testing.assert_array_equal(ds.in_four_circles(probes), [1, 1, 0, 0, 1, 0])


def test_iris_petals():
    X, y_setosa, y_area = ds.load_iris_petals()
    assert X.shape == (150, 2) and y_setosa.shape == (150,) and y_area.shape == (150,)
    assert y_setosa.sum() == 50
    np.testing.assert_array_equal(y_area, X[:, 0] * X[:, 1])
    # setosa has by far the smallest petals: every setosa petal is shorter than every other
    assert X[y_setosa == 1, 0].max() < X[y_setosa == 0, 0].min()
    np.testing.assert_array_equal(y_setosa[:50], 1)  # Iris's own order: sorted by species
    X[0, 0] = -1.0  # a fresh copy each call: changing it does not change the next load
    assert ds.load_iris_petals()[0][0, 0] > 0


@pytest.mark.parametrize("call, exc, match", [
    (lambda: ds.make_body_fat(n_samples=0), ValueError, r"n_samples must be a positive integer, got 0"),
    (lambda: ds.make_body_fat(noise=-1.0), ValueError, r"noise must be a finite number >= 0, got -1.0"),
    (lambda: ds.make_four_circles(n_samples=-5), ValueError, r"n_samples must be a positive integer, got -5"),
    (lambda: ds.make_four_circles(n_samples=10.0), TypeError, r"n_samples must be a positive integer, got 10.0"),
    (lambda: ds.make_four_circles(rng="0"), TypeError, r"rng must be a numpy Generator"),
])
def test_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()

"""Dense: gradients of W, b and the input against finite differences; initialisers; checks."""
import numpy as np
import pytest

import nnlib
from nnlib import Dense, numerical_gradient, relative_error

TOL = 1e-6
ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "silu", "softmax"]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradients_match_numerical_gradients(activation, rng):
    layer = Dense(4, 3, activation, rng=1)
    layer.params["b"][:] = rng.standard_normal(3)  # non-zero bias, so b's role is exercised
    X = rng.standard_normal((5, 4))
    R = rng.standard_normal((5, 3))  # L = sum(R * A): dL/dA = R

    def f():
        return float(np.sum(R * layer.forward(X)))

    f()
    # relu's kink at 0 is invisible to differences: make sure no Z sits near it
    assert np.min(np.abs(layer.cache["Z"])) > 1e-3
    dX = layer.backward(R)
    dW, db = layer.grads["W"].copy(), layer.grads["b"].copy()
    assert relative_error(dW, numerical_gradient(f, layer.params["W"])) < TOL
    assert relative_error(db, numerical_gradient(f, layer.params["b"])) < TOL
    assert relative_error(dX, numerical_gradient(f, X)) < TOL


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_backward_overwrites_gradients(activation, rng):
    layer = Dense(3, 2, activation, rng=0)
    X, R = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    layer.forward(X)
    layer.backward(R)
    first = {k: g.copy() for k, g in layer.grads.items()}
    layer.forward(X)
    layer.backward(R)
    for k in first:
        np.testing.assert_array_equal(layer.grads[k], first[k])


def test_backward_from_dz_skips_the_activation_slope(rng):
    layer = Dense(3, 2, "sigmoid", rng=0)
    X, dZ = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    layer.forward(X)
    dX = layer.backward_from_dZ(dZ)
    np.testing.assert_allclose(layer.grads["W"], X.T @ dZ, rtol=1e-12)
    np.testing.assert_allclose(layer.grads["b"], dZ.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(dX, dZ @ layer.params["W"].T, rtol=1e-12)
    assert layer.backward_from_dZ(dZ, input_grad=False) is None


def test_forward_is_affine_then_activation(rng):
    layer = Dense(3, 2, "tanh", rng=0)
    layer.params["b"][:] = [0.5, -1.0]
    X = rng.standard_normal((4, 3))
    A = layer.forward(X)
    Z = X @ layer.params["W"] + layer.params["b"]
    np.testing.assert_allclose(A, np.tanh(Z), rtol=1e-12)
    np.testing.assert_allclose(layer.cache["Z"], Z, rtol=1e-12)
    assert layer.cache["X"] is X


def test_shapes_and_one_bias_per_unit():
    layer = Dense(5, 3, rng=0)
    assert layer.params["W"].shape == (5, 3) and layer.params["b"].shape == (3,)
    assert layer.grads["W"].shape == (5, 3) and layer.grads["b"].shape == (3,)
    np.testing.assert_array_equal(layer.params["b"], 0.0)
    assert (layer.n_in, layer.n_out, layer.n_parameters()) == (5, 3, 18)


@pytest.mark.parametrize("init, std", [
    ("normal", lambda d, m: 1.0),
    ("xavier", lambda d, m: np.sqrt(2.0 / (d + m))),
    ("glorot", lambda d, m: np.sqrt(2.0 / (d + m))),
    ("xavier_normal", lambda d, m: np.sqrt(2.0 / (d + m))),
    ("he", lambda d, m: np.sqrt(2.0 / d)),
    ("he_normal", lambda d, m: np.sqrt(2.0 / d)),
    ("he_uniform", lambda d, m: np.sqrt(2.0 / d)),
])
def test_initialiser_scale(init, std):
    d, m = 200, 100
    W = Dense(d, m, init=init, rng=0).params["W"]
    assert len(np.unique(W)) == W.size  # never equal weights
    assert abs(W.mean()) < 0.05 * std(d, m)
    assert W.std() == pytest.approx(std(d, m), rel=0.02)
    if init in ("xavier", "glorot"):
        assert np.max(np.abs(W)) <= np.sqrt(6.0 / (d + m))
    if init == "he_uniform":
        assert np.max(np.abs(W)) <= np.sqrt(6.0 / d)


def test_same_seed_same_weights_different_seed_different():
    a, b, c = Dense(4, 3, rng=7), Dense(4, 3, rng=7), Dense(4, 3, rng=8)
    np.testing.assert_array_equal(a.params["W"], b.params["W"])
    assert not np.array_equal(a.params["W"], c.params["W"])
    g = np.random.default_rng(7)
    np.testing.assert_array_equal(Dense(4, 3, rng=g).params["W"], a.params["W"])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_kept(dtype, rng):
    layer = Dense(3, 2, "relu", rng=0, dtype=dtype)
    assert layer.dtype == dtype and layer.params["b"].dtype == dtype
    X = rng.standard_normal((4, 3)).astype(dtype)
    A = layer.forward(X)
    dX = layer.backward(np.ones_like(A))
    assert A.dtype == dtype and dX.dtype == dtype
    assert layer.grads["W"].dtype == dtype and layer.grads["b"].dtype == dtype


def test_leaky_relu_alpha_through_activation_object():
    layer = Dense(1, 1, nnlib.get_activation("leaky_relu", alpha=0.3), rng=0)
    layer.params["W"][:] = 1.0
    np.testing.assert_allclose(layer.forward(np.array([[-2.0]])), [[-0.6]])


def test_input_not_modified(rng):
    layer = Dense(3, 2, "tanh", rng=0)
    X = rng.standard_normal((4, 3))
    X0 = X.copy()
    A = layer.forward(X)
    dA = np.ones_like(A)
    layer.backward(dA)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(dA, 1.0)


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(n_in=0, n_out=3), ValueError, r"n_in must be a positive integer, got 0"),
    (dict(n_in=3, n_out=-2), ValueError, r"n_out must be a positive integer, got -2"),
    (dict(n_in=2.5, n_out=3), TypeError, r"n_in must be a positive integer, got 2.5 \(float\)"),
    (dict(n_in=True, n_out=3), TypeError, r"n_in must be a positive integer, got True \(bool\)"),
    (dict(n_in=2, n_out=3, activation="softplus"), ValueError,
     r"unknown activation 'softplus'; valid names are: elu, identity"),
    (dict(n_in=2, n_out=3, init="zeros"), ValueError,
     r"unknown init 'zeros'; valid names are: glorot, he, he_normal"),
    (dict(n_in=2, n_out=3, init=None), TypeError, r"init must be a name \(str\), got NoneType"),
    (dict(n_in=2, n_out=3, dtype=np.int64), ValueError, r"dtype must be float32 or float64, got int64"),
    (dict(n_in=2, n_out=3, dtype="banana"), TypeError, r"dtype must be a NumPy float dtype"),
    (dict(n_in=2, n_out=3, rng="seed"), TypeError, r"rng must be a numpy Generator, an int seed or None, got str"),
])
def test_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        Dense(**kwargs)

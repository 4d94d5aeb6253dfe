"""Activations: forward values, derivatives against centred differences, look-up by name."""
import numpy as np
import pytest

import nnlib
from nnlib import get_activation, numerical_gradient, relative_error

ELEMENTWISE = ["identity", "linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "silu"]
TOL = 1e-6  # float64 centred differences with h = 1e-6 agree to ~1e-9 when the maths is right


def away_from_kinks(rng, shape):
    """Values in +-[0.1, 3]: relu and leaky_relu have a kink at 0, which differences cannot see."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.1, 3.0, size=shape)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_centred_differences(name, rng):
    act = get_activation(name)
    Z = away_from_kinks(rng, (6, 5))
    h = 1e-6
    numeric = (act.forward(Z + h) - act.forward(Z - h)) / (2 * h)
    assert relative_error(act.derivative(Z), numeric) < TOL
    assert relative_error(act.derivative(Z, act.forward(Z)), numeric) < TOL


@pytest.mark.parametrize("name", ELEMENTWISE + ["softmax"])
def test_backward_matches_numerical_gradient(name, rng):
    act = get_activation(name)
    Z = away_from_kinks(rng, (4, 3))
    dA = rng.standard_normal((4, 3))
    analytic = act.backward(dA, Z, act.forward(Z))
    numeric = numerical_gradient(lambda: float(np.sum(dA * act.forward(Z))), Z)
    assert relative_error(analytic, numeric) < TOL


def test_softmax_jacobian_matches_centred_differences(rng):
    act = get_activation("softmax")
    Z = rng.standard_normal((3, 4))
    J = act.derivative(Z)
    assert J.shape == (3, 4, 4)
    h = 1e-6
    numeric = np.zeros_like(J)
    for j in range(4):
        E = np.zeros_like(Z)
        E[:, j] = h
        numeric[:, :, j] = (act.forward(Z + E) - act.forward(Z - E)) / (2 * h)
    assert relative_error(J, numeric) < TOL
    # backward is the vector-Jacobian product dA^T J of each row, computed without J
    dA = rng.standard_normal((3, 4))
    np.testing.assert_allclose(act.backward(dA, Z, act.forward(Z)),
                               np.einsum("ni,nij->nj", dA, J), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name, z, expected", [
    ("identity", [-2.0, 0.0, 3.0], [-2.0, 0.0, 3.0]),
    ("sigmoid", [0.0, np.log(3.0)], [0.5, 0.75]),
    ("tanh", [0.0, np.log(2.0)], [0.0, 0.6]),
    ("relu", [-2.0, 0.0, 3.0], [0.0, 0.0, 3.0]),
    ("leaky_relu", [-2.0, 3.0], [-0.02, 3.0]),
    ("elu", [-np.log(2.0), 3.0], [-0.5, 3.0]),
    ("silu", [0.0, np.log(3.0)], [0.0, 0.75 * np.log(3.0)]),
])
def test_forward_values(name, z, expected):
    out = get_activation(name).forward(np.array([z]))
    np.testing.assert_allclose(out, [expected], rtol=1e-12, atol=1e-15)


def test_alpha_is_used():
    Z = np.array([[-2.0, 1.0]])
    np.testing.assert_allclose(get_activation("leaky_relu", alpha=0.1).forward(Z), [[-0.2, 1.0]])
    np.testing.assert_allclose(get_activation("leaky_relu", alpha=0.1).derivative(Z), [[0.1, 1.0]])
    np.testing.assert_allclose(get_activation("elu", alpha=2.0).forward(Z),
                               [[2.0 * np.expm1(-2.0), 1.0]])


def test_softmax_rows_sum_to_one_and_shift_invariant(rng):
    Z = rng.standard_normal((5, 4))
    P = nnlib.softmax(Z)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(nnlib.softmax(Z + 100.0), P, rtol=1e-12)


@pytest.mark.parametrize("name", ELEMENTWISE + ["softmax"])
def test_extreme_inputs_finite_without_warnings(name, no_warnings):
    Z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    act = get_activation(name)
    A = act.forward(Z)
    assert np.all(np.isfinite(A))
    assert np.all(np.isfinite(act.backward(np.ones_like(Z), Z, A)))


def test_sigmoid_extremes_exact(no_warnings):
    np.testing.assert_array_equal(nnlib.sigmoid(np.array([-1000.0, 0.0, 1000.0])), [0.0, 0.5, 1.0])


@pytest.mark.parametrize("name", ELEMENTWISE + ["softmax"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_kept(name, dtype, rng):
    act = get_activation(name)
    Z = rng.standard_normal((3, 4)).astype(dtype)
    A = act.forward(Z)
    assert A.dtype == dtype
    assert act.backward(np.ones_like(Z), Z, A).dtype == dtype
    if name != "softmax":
        assert act.derivative(Z, A).dtype == dtype


@pytest.mark.parametrize("name", ELEMENTWISE + ["softmax"])
def test_input_not_modified(name, rng):
    Z = rng.standard_normal((3, 4))
    Z0 = Z.copy()
    act = get_activation(name)
    A = act.forward(Z)
    act.backward(np.ones_like(Z), Z, A)
    np.testing.assert_array_equal(Z, Z0)


def test_lookup_by_name():
    assert get_activation("ReLU").name == "relu"
    assert get_activation("linear").name == "identity"
    assert get_activation(None).name == "identity"
    act = get_activation("tanh")
    assert get_activation(act) is act
    for name in nnlib.ACTIVATIONS:
        assert isinstance(get_activation(name), nnlib.Activation)


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match=r"unknown activation 'swish'.*valid names.*relu.*sigmoid"):
        get_activation("swish")


def test_name_of_wrong_type():
    with pytest.raises(TypeError, match="activation must be a name"):
        get_activation(3)

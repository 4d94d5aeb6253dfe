"""Activations: calling an object, integer input, and infinite input, as documented."""
import numpy as np
import pytest

from nnlib import get_activation
from nnlib.activations import ACTIVATIONS, sigmoid, softmax


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_calling_an_activation_is_its_forward(name):
    Z = np.array([[-1.5, 0.0, 2.0]])
    f = get_activation(name)
    np.testing.assert_array_equal(f(Z), f.forward(Z))


def test_integer_input_becomes_float64():
    Z = np.array([[0, 1], [2, 2]])
    S = softmax(Z)
    assert S.dtype == np.float64
    np.testing.assert_allclose(S, [[1 / (1 + np.e), np.e / (1 + np.e)], [0.5, 0.5]], rtol=1e-15)
    assert sigmoid(Z).dtype == np.float64
    np.testing.assert_array_equal(sigmoid(np.array([0])), [0.5])


def test_infinite_input_is_a_limit_not_an_error():
    np.testing.assert_array_equal(sigmoid(np.array([-np.inf, np.inf])), [0.0, 1.0])
    np.testing.assert_array_equal(softmax(np.array([[0.0, -np.inf]])), [[1.0, 0.0]])

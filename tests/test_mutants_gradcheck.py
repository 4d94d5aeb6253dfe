"""Gradient checking: the step h is used, inputs it documents are accepted, errors are named."""
import numpy as np
import pytest

from nnlib import check_model_gradients, mlp, numerical_gradient, relative_error


def test_check_model_gradients_uses_the_given_step():
    rng = np.random.default_rng(0)
    model = mlp([3, 4, 1], activation="tanh", rng=0)
    X, y = rng.standard_normal((5, 3)), rng.standard_normal(5)
    fine = max(check_model_gradients(model, "mse", X, y).values())
    coarse = max(check_model_gradients(model, "mse", X, y, h=0.5).values())
    # h = 0.5 leaves a truncation error of order h^2: orders of magnitude above h = 1e-6
    assert fine < 1e-7 < 1e-4 < coarse


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numerical_gradient_of_a_one_element_array_result(dtype):
    x = np.array([1.0, -2.0], dtype=dtype)
    grad = numerical_gradient(lambda: np.array([np.sum(x ** 2)]), x, h=1e-2)
    np.testing.assert_allclose(grad, [2.0, -4.0], rtol=1e-3)
    assert grad.dtype == np.float64


@pytest.mark.parametrize("args, error, message", [
    ((3, np.zeros(2)), TypeError, r"returning a number, got int$"),
    ((lambda: 0.0, [1.0, 2.0]), TypeError, r"is changed in place\), got list$"),
    ((lambda: 0.0, np.zeros((3, 4)).T), ValueError,
     r"^x must be a contiguous array that can be changed in place$"),
])
def test_numerical_gradient_refusals(args, error, message):
    with pytest.raises(error, match=message):
        numerical_gradient(*args)


def test_numerical_gradient_refuses_a_read_only_array():
    x = np.zeros(2)
    x.setflags(write=False)
    with pytest.raises(ValueError, match=r"^x must be writable: it is changed in place, "
                                         r"one entry at a time$"):
        numerical_gradient(lambda: 0.0, x)


def test_relative_error_is_scale_free_in_any_input_dtype():
    # computed in float64: float16 squares would overflow, int8 differences would wrap around
    small, large = np.array([100.0], np.float16), np.array([300.0], np.float16)
    assert relative_error(large, small) == relative_error(small, large) == 0.5
    assert relative_error(np.array([100], np.int8), np.array([-100], np.int8)) == 1.0


def test_relative_error_names_the_bad_argument():
    with pytest.raises(TypeError, match=r"^b must be an array of numbers, got str$"):
        relative_error([1.0], "x")

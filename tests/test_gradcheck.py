"""Gradient checking: centred differences, relative error, the model-wide check."""
import numpy as np
import pytest

from nnlib import check_model_gradients, mlp, numerical_gradient, relative_error


def test_numerical_gradient_of_known_functions(rng):
    x = rng.standard_normal((3, 4))
    A = rng.standard_normal((4, 4))
    np.testing.assert_allclose(numerical_gradient(lambda: float(np.sum(x ** 3)), x), 3 * x ** 2,
                               rtol=1e-7, atol=1e-9)
    v = rng.standard_normal(4)
    np.testing.assert_allclose(numerical_gradient(lambda: float(v @ A @ v), v), (A + A.T) @ v,
                               rtol=1e-7, atol=1e-9)


def test_numerical_gradient_restores_x(rng):
    x = rng.standard_normal((2, 3))
    x0 = x.copy()
    numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    np.testing.assert_array_equal(x, x0)


def test_numerical_gradient_refuses_non_contiguous_views():
    x = np.arange(12.0).reshape(3, 4)[:, :2]  # rows of 2 with gaps: no flat view exists
    with pytest.raises(ValueError, match="x must be a contiguous array that can be changed in place"):
        numerical_gradient(lambda: float(np.sum(x)), x)


def test_relative_error():
    a = np.array([1.0, 2.0, 2.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(a, -a) == 1.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, 1.1 * a) == pytest.approx(0.1 / 2.1, rel=1e-12)
    assert relative_error(a, np.zeros(3)) == 1.0


def test_centred_difference_error_is_second_order():
    # for f = x^3 at x = 1 the centred difference is 3 + h^2 exactly: its error falls as h^2
    x = np.array([1.0])
    errs = [abs(numerical_gradient(lambda: float(x[0] ** 3), x, h=h)[0] - 3.0) for h in (1e-2, 1e-3)]
    assert errs[0] == pytest.approx(1e-4, rel=1e-6)
    assert errs[1] == pytest.approx(1e-6, rel=1e-4)


@pytest.mark.parametrize("output, loss", [("identity", "mse"), ("sigmoid", "bce"),
                                          ("softmax", "cross_entropy")])
def test_check_model_gradients_reports_every_parameter(output, loss, rng):
    model = mlp([2, 3, 2], "tanh", output, rng=0)
    X = rng.standard_normal((4, 2))
    y = rng.integers(0, 2, (4, 2)) if loss != "cross_entropy" else rng.integers(0, 2, 4)
    before = model.get_weights()
    errors = check_model_gradients(model, loss, X, y)
    assert list(errors) == ["0.W", "0.b", "1.W", "1.b"]
    assert max(errors.values()) < 1e-6
    for a, b in zip(before, model.get_weights()):  # the weights are restored
        np.testing.assert_array_equal(a, b)


def test_check_model_gradients_checks_inputs():
    model = mlp([2, 1], rng=0)
    with pytest.raises(ValueError, match=r"X must have 2 features"):
        check_model_gradients(model, "mse", np.zeros((3, 4)), np.zeros(3))
    with pytest.raises(ValueError, match=r"one row per input sample \(3 rows\), got 2 rows"):
        check_model_gradients(model, "mse", np.zeros((3, 2)), np.zeros(2))


def test_numerical_gradient_through_an_evenly_strided_view():
    base = np.arange(12.0).reshape(3, 4)
    x = base[:, ::2]  # every other entry: still one flat view, so it can be changed in place
    np.testing.assert_allclose(numerical_gradient(lambda: float(np.sum(x ** 2)), x), 2 * x,
                               rtol=1e-7, atol=1e-9)
    np.testing.assert_array_equal(base, np.arange(12.0).reshape(3, 4))


@pytest.mark.parametrize("f, x, h, error, match", [
    ("not callable", np.zeros(2), 1e-6, TypeError, "f must be a function"),
    (lambda: 0.0, [1.0, 2.0], 1e-6, TypeError, "x must be a NumPy array"),
    (lambda: 0.0, np.arange(3), 1e-6, TypeError, "x must be a float array"),
    (lambda: 0.0, np.zeros(2), 0.0, ValueError, "h must be a finite number > 0, got 0.0"),
    (lambda: 0.0, np.zeros(2), float("nan"), ValueError, "h must be a finite number > 0"),
    (lambda: "x", np.zeros(2), 1e-6, TypeError, "f must return a single number, got str"),
    (lambda: np.zeros(3), np.zeros(2), 1e-6, TypeError, "f must return a single number"),
])
def test_numerical_gradient_refuses_bad_arguments(f, x, h, error, match):
    with pytest.raises(error, match=match):
        numerical_gradient(f, x, h=h)


def test_numerical_gradient_refuses_a_read_only_array_and_restores_x_after_an_error():
    x = np.ones(3)
    x.flags.writeable = False
    with pytest.raises(ValueError, match="x must be writable"):
        numerical_gradient(lambda: 0.0, x)
    y = np.array([1.0, 2.0])

    def f():
        if y[0] != 1.0:
            raise RuntimeError("boom")
        return 0.0

    with pytest.raises(RuntimeError):
        numerical_gradient(f, y)
    np.testing.assert_array_equal(y, [1.0, 2.0])


def test_numerical_gradient_uses_its_step():
    x = np.array([1.0])
    assert numerical_gradient(lambda: float(x[0] ** 3), x, h=0.1)[0] == pytest.approx(3.01)


def test_relative_error_refuses_different_shapes():
    with pytest.raises(ValueError, match=r"a and b must have the same shape, got \(3,\) and \(1,\)"):
        relative_error(np.ones(3), np.ones(1))


def test_check_model_gradients_needs_float64():
    model = mlp([2, 1], rng=0, dtype=np.float32)
    with pytest.raises(ValueError, match="model must be float64 for a gradient check"):
        check_model_gradients(model, "mse", np.zeros((3, 2)), np.zeros(3))

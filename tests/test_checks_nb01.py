"""The checks of notebook 01's exercises: each classic mistake, written as a learner would write
it, gets its own diagnosis; a right answer gets ✓; an unwritten one gets "not written yet"."""
import numpy as np
import pytest

from nnlib import checks


def verdict(capsys, check, fn):
    """Run a check; return what it hands back and the one line it printed."""
    returned = check(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out  # exactly one line
    return returned, out.strip()


# -- mse_gradients ---------------------------------------------------------------------------
def mse_right(X, y, w, b):
    e = X @ w + b - y
    return np.mean(e ** 2), 2 / len(y) * X.T @ e, 2 / len(y) * e.sum()


def mse_stub(X, y, w, b):
    raise NotImplementedError


def mse_sign(X, y, w, b):
    e = y - (X @ w + b)
    return np.mean(e ** 2), 2 / len(y) * X.T @ e, 2 / len(y) * e.sum()


def mse_no_two(X, y, w, b):
    e = X @ w + b - y
    return np.mean(e ** 2), X.T @ e / len(y), e.mean()


def mse_summed_gradient(X, y, w, b):
    e = X @ w + b - y
    return np.mean(e ** 2), 2 * X.T @ e, 2 * e.sum()


def mse_summed_db_only(X, y, w, b):
    e = X @ w + b - y
    return np.mean(e ** 2), 2 / len(y) * X.T @ e, 2 * e.sum()


def mse_summed_loss(X, y, w, b):
    e = X @ w + b - y
    return np.sum(e ** 2), 2 / len(y) * X.T @ e, 2 / len(y) * e.sum()


def mse_all_summed(X, y, w, b):
    e = X @ w + b - y
    return np.sum(e ** 2), 2 * X.T @ e, 2 * np.sum(e)


def mse_no_bias(X, y, w, b):
    e = X @ w - y
    return np.mean(e ** 2), 2 / len(y) * X.T @ e, 2 / len(y) * e.sum()


def mse_column(X, y, w, b):
    e = X @ w + b - y
    return np.mean(e ** 2), 2 / len(y) * X.T @ e[:, None], 2 / len(y) * e.sum()


def mse_unknown(X, y, w, b):
    e = X @ w + b - y
    return np.mean(e ** 2), 3 / len(y) * X.T @ e, 2 / len(y) * e.sum()


def test_mse_right_passes_and_is_returned(capsys):
    returned, line = verdict(capsys, checks.mse_gradients, mse_right)
    assert line.startswith("✓ mse_and_gradients: matches nnlib on 4 random inputs")
    assert returned is mse_right


def test_mse_stub_is_not_written_yet_and_nnlib_takes_over(capsys):
    returned, line = verdict(capsys, checks.mse_gradients, mse_stub)
    assert line.startswith("… mse_and_gradients: not written yet")
    assert returned is not mse_stub
    X, y, w, b = np.ones((3, 2)), np.array([1.0, 2.0, 0.0]), np.array([0.5, -1.0]), 0.25
    for got, want in zip(returned(X, y, w, b), mse_right(X, y, w, b)):
        np.testing.assert_allclose(got, want, rtol=1e-14)


@pytest.mark.parametrize("fn, message", [
    (mse_sign, "dw, db: the wrong sign"),
    (mse_no_two, "dw, db: half the right size"),
    (mse_summed_gradient, "dw, db: summed over the samples instead of averaged: N times too large"),
    (mse_summed_db_only, "db: summed over the samples instead of averaged"),
    (mse_summed_loss, "L: the loss is summed instead of averaged"),
    (mse_all_summed, "L, dw, db: loss and gradients are summed over the samples"),
    (mse_no_bias, "L, dw, db: the error leaves out the bias"),
    (mse_column, "dw has shape (2, 1) for inputs X (6, 2), y (6,), w (2,), b"),
    (mse_unknown, "dw differs from nnlib's (relative error"),
])
def test_mse_mistakes_are_named(capsys, fn, message):
    returned, line = verdict(capsys, checks.mse_gradients, fn)
    assert line.startswith("✗ mse_and_gradients: ")
    assert message in line
    assert returned is not fn


def test_mse_unknown_mistake_says_so(capsys):
    _, line = verdict(capsys, checks.mse_gradients, mse_unknown)
    assert "none of the classic mistakes this check knows" in line


# -- gradient_step ---------------------------------------------------------------------------
def step_right(w, b, dw, db, lr):
    return w - lr * dw, b - lr * db


def step_stub(w, b, dw, db, lr):
    raise NotImplementedError


def step_uphill(w, b, dw, db, lr):
    return w + lr * dw, b + lr * db


def step_no_lr(w, b, dw, db, lr):
    return w - dw, b - db


def step_divided(w, b, dw, db, lr):
    return w - dw / lr, b - db / lr


def step_bias_forgotten(w, b, dw, db, lr):
    return w - lr * dw, b


def step_swapped(w, b, dw, db, lr):
    return w - lr * db, b - lr * dw


def step_in_place(w, b, dw, db, lr):
    w -= lr * dw
    return w, b - lr * db


def step_unknown(w, b, dw, db, lr):
    return w - 2 * lr * dw, b - 2 * lr * db


def test_step_right_passes_and_is_returned(capsys):
    returned, line = verdict(capsys, checks.gradient_step, step_right)
    assert line.startswith("✓ gradient_step: matches nnlib on 3 random inputs")
    assert returned is step_right


def test_step_stub_is_not_written_yet_and_nnlib_takes_over(capsys):
    returned, line = verdict(capsys, checks.gradient_step, step_stub)
    assert line.startswith("… gradient_step: not written yet")
    w = np.array([1.0, -2.0])
    w_new, b_new = returned(w, 0.5, np.array([0.1, 0.2]), -1.0, 0.1)
    np.testing.assert_allclose(w_new, [0.99, -2.02], rtol=1e-14)
    assert b_new == pytest.approx(0.6, rel=1e-14)
    assert np.array_equal(w, [1.0, -2.0])  # nnlib's step leaves the caller's w alone


@pytest.mark.parametrize("fn, message", [
    (step_uphill, "w, b: a step uphill"),
    (step_no_lr, "w, b: the step is the whole gradient: multiply it by the learning rate lr"),
    (step_divided, "w, b: divided by lr instead of multiplying"),
    (step_bias_forgotten, "b: not updated"),
    (step_swapped, "w, b: dw and db are swapped"),
    (step_in_place, "changed the caller's array `w` in place"),
    (step_unknown, "none of the classic mistakes this check knows"),
])
def test_step_mistakes_are_named(capsys, fn, message):
    returned, line = verdict(capsys, checks.gradient_step, fn)
    assert line.startswith("✗ gradient_step: ")
    assert message in line
    assert returned is not fn

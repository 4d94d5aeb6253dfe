"""The checks of notebook 03's exercises: each classic mistake, written as a learner would write
it, gets its own diagnosis; a right answer gets ✓; an unwritten one gets "not written yet"."""
import numpy as np
import pytest

import nnlib
from nnlib import checks


def verdict(capsys, check, fn):
    """Run a check; return what it hands back and the one line it printed."""
    returned = check(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out  # exactly one line
    return returned, out.strip()


def stub(*args):
    raise NotImplementedError


# -- two_layer_backward ----------------------------------------------------------------------
# Each learner's version: the notebook's given forward pass, then the backward pass as written.
def forward(X, W1, b1, W2, b2):
    Z1 = X @ W1 + b1
    A1 = np.tanh(Z1)
    return Z1, A1, A1 @ W2 + b2


def backward_right(X, Y, W1, b1, W2, b2):
    Z1, A1, Y_hat = forward(X, W1, b1, W2, b2)
    delta2 = 2 * (Y_hat - Y) / Y.size
    delta1 = (delta2 @ W2.T) * (1 - A1 ** 2)
    return X.T @ delta1, delta1.sum(axis=0), A1.T @ delta2, delta2.sum(axis=0)


def backward_sign(X, Y, W1, b1, W2, b2):
    Z1, A1, Y_hat = forward(X, W1, b1, W2, b2)
    delta2 = 2 * (Y - Y_hat) / Y.size
    delta1 = (delta2 @ W2.T) * (1 - A1 ** 2)
    return X.T @ delta1, delta1.sum(axis=0), A1.T @ delta2, delta2.sum(axis=0)


def backward_summed(X, Y, W1, b1, W2, b2):
    Z1, A1, Y_hat = forward(X, W1, b1, W2, b2)
    K = Y.shape[1]
    delta2 = 2 * (Y_hat - Y) / K  # the mean over samples forgotten
    delta1 = (delta2 @ W2.T) * (1 - A1 ** 2)
    return X.T @ delta1, delta1.sum(axis=0), A1.T @ delta2, delta2.sum(axis=0)


def backward_over_n(X, Y, W1, b1, W2, b2):
    Z1, A1, Y_hat = forward(X, W1, b1, W2, b2)
    delta2 = 2 * (Y_hat - Y) / len(X)
    delta1 = (delta2 @ W2.T) * (1 - A1 ** 2)
    return X.T @ delta1, delta1.sum(axis=0), A1.T @ delta2, delta2.sum(axis=0)


def backward_no_mean(X, Y, W1, b1, W2, b2):
    Z1, A1, Y_hat = forward(X, W1, b1, W2, b2)
    delta2 = 2 * (Y_hat - Y)
    delta1 = (delta2 @ W2.T) * (1 - A1 ** 2)
    return X.T @ delta1, delta1.sum(axis=0), A1.T @ delta2, delta2.sum(axis=0)


def backward_no_two(X, Y, W1, b1, W2, b2):
    Z1, A1, Y_hat = forward(X, W1, b1, W2, b2)
    delta2 = (Y_hat - Y) / Y.size
    delta1 = (delta2 @ W2.T) * (1 - A1 ** 2)
    return X.T @ delta1, delta1.sum(axis=0), A1.T @ delta2, delta2.sum(axis=0)


def backward_no_slope(X, Y, W1, b1, W2, b2):
    Z1, A1, Y_hat = forward(X, W1, b1, W2, b2)
    delta2 = 2 * (Y_hat - Y) / Y.size
    delta1 = delta2 @ W2.T
    return X.T @ delta1, delta1.sum(axis=0), A1.T @ delta2, delta2.sum(axis=0)


def backward_slope_at_output(X, Y, W1, b1, W2, b2):
    Z1, A1, Y_hat = forward(X, W1, b1, W2, b2)
    delta2 = 2 * (Y_hat - Y) / Y.size
    delta1 = (delta2 @ W2.T) * (1 - np.tanh(A1) ** 2)
    return X.T @ delta1, delta1.sum(axis=0), A1.T @ delta2, delta2.sum(axis=0)


def backward_slope_of_z(X, Y, W1, b1, W2, b2):
    Z1, A1, Y_hat = forward(X, W1, b1, W2, b2)
    delta2 = 2 * (Y_hat - Y) / Y.size
    delta1 = (delta2 @ W2.T) * (1 - Z1 ** 2)
    return X.T @ delta1, delta1.sum(axis=0), A1.T @ delta2, delta2.sum(axis=0)


def backward_w2_not_transposed(X, Y, W1, b1, W2, b2):
    Z1, A1, Y_hat = forward(X, W1, b1, W2, b2)
    delta2 = 2 * (Y_hat - Y) / Y.size
    delta1 = (delta2 @ W2) * (1 - A1 ** 2)
    return X.T @ delta1, delta1.sum(axis=0), A1.T @ delta2, delta2.sum(axis=0)


def backward_dw_transposed(X, Y, W1, b1, W2, b2):
    Z1, A1, Y_hat = forward(X, W1, b1, W2, b2)
    delta2 = 2 * (Y_hat - Y) / Y.size
    delta1 = (delta2 @ W2.T) * (1 - A1 ** 2)
    return delta1.T @ X, delta1.sum(axis=0), delta2.T @ A1, delta2.sum(axis=0)


def backward_dw2_transposed(X, Y, W1, b1, W2, b2):
    Z1, A1, Y_hat = forward(X, W1, b1, W2, b2)
    delta2 = 2 * (Y_hat - Y) / Y.size
    delta1 = (delta2 @ W2.T) * (1 - A1 ** 2)
    return X.T @ delta1, delta1.sum(axis=0), delta2.T @ A1, delta2.sum(axis=0)


def backward_bias_axis(X, Y, W1, b1, W2, b2):
    Z1, A1, Y_hat = forward(X, W1, b1, W2, b2)
    delta2 = 2 * (Y_hat - Y) / Y.size
    delta1 = (delta2 @ W2.T) * (1 - A1 ** 2)
    return X.T @ delta1, delta1.sum(axis=0), A1.T @ delta2, delta2.sum(axis=1)


def backward_bias_everything(X, Y, W1, b1, W2, b2):
    Z1, A1, Y_hat = forward(X, W1, b1, W2, b2)
    delta2 = 2 * (Y_hat - Y) / Y.size
    delta1 = (delta2 @ W2.T) * (1 - A1 ** 2)
    return X.T @ delta1, np.sum(delta1), A1.T @ delta2, delta2.sum(axis=0)


def backward_bias_averaged(X, Y, W1, b1, W2, b2):
    Z1, A1, Y_hat = forward(X, W1, b1, W2, b2)
    delta2 = 2 * (Y_hat - Y) / Y.size
    delta1 = (delta2 @ W2.T) * (1 - A1 ** 2)
    return X.T @ delta1, delta1.mean(axis=0), A1.T @ delta2, delta2.mean(axis=0)


def backward_unknown(X, Y, W1, b1, W2, b2):
    Z1, A1, Y_hat = forward(X, W1, b1, W2, b2)
    delta2 = 2 * (Y_hat - Y) / Y.size
    delta1 = (delta2 @ W2.T) * (1 - A1 ** 2) * 2
    return X.T @ delta1, delta1.sum(axis=0), A1.T @ delta2, delta2.sum(axis=0)


def test_backward_right_passes_and_is_returned(capsys):
    returned, line = verdict(capsys, checks.two_layer_backward, backward_right)
    assert line.startswith("✓ two_layer_backward: matches nnlib on 4 random inputs")
    assert returned is backward_right


def test_backward_stub_is_not_written_yet_and_nnlib_takes_over(capsys):
    returned, line = verdict(capsys, checks.two_layer_backward, stub)
    assert line.startswith("… two_layer_backward: not written yet")
    rng = np.random.default_rng(0)
    args = (rng.normal(size=(4, 3)), rng.normal(size=(4, 2)), rng.normal(size=(3, 5)),
            rng.normal(size=5), rng.normal(size=(5, 2)), rng.normal(size=2))
    for got, want in zip(returned(*args), backward_right(*args)):
        np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("fn, message", [
    (backward_sign, "dW1, db1, dW2, db2: the wrong sign"),
    (backward_summed, "dW1, db1, dW2, db2: summed over the samples instead of averaged: "
                      "N times too large"),
    (backward_over_n, "dW1, db1, dW2, db2: divided by N only: K times too large"),
    (backward_no_mean, "dW1, db1, dW2, db2: no 1/(N K) at all"),
    (backward_no_two, "dW1, db1, dW2, db2: half the right size"),
    (backward_no_slope, "dW1, db1: the activation's derivative is missing"),
    (backward_slope_at_output, "dW1, db1: tanh' evaluated at the output A1 instead of the input"),
    (backward_slope_of_z, "dW1, db1: used Z1 in the output form 1 - A**2"),
    (backward_w2_not_transposed, "dW1, db1: W2 is not transposed on the way back"),
    (backward_dw_transposed, "dW1, dW2: transposed: dW = A.T @ delta"),
    (backward_dw2_transposed, "dW2: transposed: dW = A.T @ delta"),
    (backward_bias_axis, "db2: the bias gradient is summed over the wrong axis"),
    (backward_bias_everything, "db1: the bias gradient is summed over everything"),
    (backward_bias_averaged, "db1, db2: the bias gradient is averaged: N times too small"),
    (backward_unknown, "none of the classic mistakes this check knows"),
])
def test_backward_mistakes_are_named(capsys, fn, message):
    returned, line = verdict(capsys, checks.two_layer_backward, fn)
    assert line.startswith("✗ two_layer_backward: ")
    assert message in line
    assert returned is not fn


# -- relative_error --------------------------------------------------------------------------
def rel_right(a, b):
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denominator == 0 else np.linalg.norm(a - b) / denominator


def rel_nan_for_zeros(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


def rel_over_b(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(b)


def rel_over_a_guarded(a, b):
    return 0.0 if not np.any(a) else np.linalg.norm(a - b) / np.linalg.norm(a)


def rel_squared(a, b):
    return np.sum((a - b) ** 2) / (np.sum(a ** 2) + np.sum(b ** 2))


def rel_norm_of_sum(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(a + b)


def rel_absolute(a, b):
    return np.linalg.norm(a - b)


def rel_entrywise_max(a, b):
    return np.max(np.abs(a - b) / np.maximum(np.abs(a), np.abs(b)))


def rel_entrywise_mean(a, b):
    return np.mean(np.abs(a - b) / np.maximum(np.abs(a), np.abs(b)))


def rel_in_place(a, b):
    a -= b  # changes the caller's a
    return np.linalg.norm(a) / (np.linalg.norm(a + b) + np.linalg.norm(b) + 1e-300)


def rel_unknown(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b) + 1.0)


def test_relative_error_right_passes_and_is_returned(capsys):
    returned, line = verdict(capsys, checks.relative_error, rel_right)
    assert line.startswith("✓ relative_error: matches nnlib on 6 random inputs")
    assert returned is rel_right


def test_relative_error_stub_is_not_written_yet_and_nnlib_takes_over(capsys):
    returned, line = verdict(capsys, checks.relative_error, stub)
    assert line.startswith("… relative_error: not written yet")
    assert returned is nnlib.relative_error
    assert returned(np.zeros(3), np.zeros(3)) == 0.0


@pytest.mark.parametrize("fn, message", [
    (rel_nan_for_zeros, "NaN when both arrays are zero (0 / 0)"),
    (rel_over_b, "divided by the norm of one array only"),
    (rel_over_a_guarded, "divided by the norm of one array only"),
    (rel_squared, "squared norms"),
    (rel_norm_of_sum, "the norm of a sum in the denominator"),
    (rel_absolute, "an absolute error"),
    (rel_entrywise_max, "an entrywise error"),
    (rel_entrywise_mean, "an entrywise error"),
    (rel_in_place, "changed the caller's array `a` in place"),
    (rel_unknown, "none of the classic mistakes this check knows"),
])
def test_relative_error_mistakes_are_named(capsys, fn, message):
    returned, line = verdict(capsys, checks.relative_error, fn)
    assert line.startswith("✗ relative_error: ")
    assert message in line
    assert returned is not fn

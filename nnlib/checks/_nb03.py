"""Checks for notebook 03's exercises: the backward pass of a network with one tanh hidden layer
(all four gradients) and the norm-based relative error of a gradient check."""
import numpy as np

from ..gradcheck import relative_error as _nnlib_relative_error
from ..layers import Dense
from ..losses import get_loss
from ..model import Sequential
from ._core import MISTAKE_TOLERANCE, Case, Mistake, check
from ._core import relative_error as _core_relative_error

__all__ = ["two_layer_backward", "relative_error"]


# -- the backward pass -----------------------------------------------------------------------
def _backward_reference(X, Y, W1, b1, W2, b2):
    """nnlib's answer: Sequential([Dense(D, H, 'tanh'), Dense(H, K)]) and its MSE gradients."""
    layers = [Dense(*W1.shape, activation="tanh", rng=0), Dense(*W2.shape, rng=0)]
    for layer, W, b in zip(layers, (W1, W2), (b1, b2)):
        layer.params["W"][...], layer.params["b"][...] = W, b
    Sequential(layers).loss_and_gradients(X, Y, get_loss("mse"))
    return tuple(layer.grads[key].copy() for layer in layers for key in ("W", "b"))


def _backward_variant(X, Y, W1, b1, W2, b2, scale=lambda N, K: 2 / (N * K), slope="1 - A**2",
                      back_W2="W2.T", dW="A.T @ delta", db="rows"):
    """The backward pass with one classic slip switched on (the defaults are right)."""
    Z1 = X @ W1 + b1
    A1 = np.tanh(Z1)
    Y_hat = A1 @ W2 + b2
    delta2 = scale(*Y.shape) * (Y_hat - Y)
    fprime = {"1 - A**2": 1 - A1 ** 2, "none": 1.0, "at A": 1 - np.tanh(A1) ** 2,
              "1 - Z**2": 1 - Z1 ** 2}[slope]
    delta1 = (delta2 @ {"W2.T": W2.T, "W2": W2}[back_W2]) * fprime

    def grads(A, delta):
        dW_ = {"A.T @ delta": A.T @ delta, "delta.T @ A": delta.T @ A}[dW]
        db_ = {"rows": delta.sum(axis=0), "columns": delta.sum(axis=1), "all": delta.sum(),
               "mean": delta.mean(axis=0)}[db]
        return dW_, db_

    return (*grads(X, delta1), *grads(A1, delta2))


def _variant(**slip):
    """A Mistake's fn: the backward pass with the slips given, e.g. ``slope='none'``."""
    return lambda X, Y, W1, b1, W2, b2: _backward_variant(X, Y, W1, b1, W2, b2, **slip)


def _backward_cases():
    rng = np.random.default_rng(301)
    cases = []
    # H = K in every case, so that W2 (H, K) is square and a forgotten transpose of W2 gives
    # wrong numbers (which the check can name) instead of a shape error; D, H and N all differ.
    for n, d, h in ((5, 3, 2), (8, 4, 3), (3, 5, 4), (6, 2, 3)):
        cases.append(Case(rng.normal(size=(n, d)), rng.normal(size=(n, h)),
                          rng.normal(size=(d, h)), rng.normal(size=h),
                          rng.normal(size=(h, h)), rng.normal(size=h)))
    return cases


_DELTA2 = "delta2 = 2/(N K) (Y_hat - Y)"
_BACKWARD_MISTAKES = [
    Mistake(f"the wrong sign: {_DELTA2}, prediction minus target",
            fn=_variant(scale=lambda N, K: -2 / (N * K))),
    Mistake("summed over the samples instead of averaged: N times too large; the loss is a "
            f"mean over all N K entries, so {_DELTA2}", fn=_variant(scale=lambda N, K: 2 / K)),
    Mistake("divided by N only: K times too large; the loss is a mean over all N K entries, "
            f"so {_DELTA2}", fn=_variant(scale=lambda N, K: 2 / N)),
    Mistake(f"no 1/(N K) at all: N K times too large; the loss is a mean, so {_DELTA2}",
            fn=_variant(scale=lambda N, K: 2.0)),
    Mistake(f"half the right size: the derivative of e**2 is 2 e, so {_DELTA2}",
            fn=_variant(scale=lambda N, K: 1 / (N * K))),
    Mistake("the activation's derivative is missing: delta1 = (delta2 @ W2.T) * (1 - A1**2)",
            fn=_variant(slope="none")),
    Mistake("tanh' evaluated at the output A1 instead of the input Z1: with A1 = tanh(Z1) "
            "already computed, the slope is 1 - A1**2", fn=_variant(slope="at A")),
    Mistake("used Z1 in the output form 1 - A**2: the slope is 1 - A1**2 with A1 = tanh(Z1)",
            fn=_variant(slope="1 - Z**2")),
    Mistake("W2 is not transposed on the way back: delta1 = (delta2 @ W2.T) * (1 - A1**2)",
            fn=_variant(back_W2="W2")),
    Mistake("transposed: dW = A.T @ delta, of the same shape as W (the layer's input, "
            "transposed, times delta)", fn=_variant(dW="delta.T @ A")),
    Mistake("the bias gradient is summed over the wrong axis: sum delta over the samples, "
            "delta.sum(axis=0), one number per unit", fn=_variant(db="columns")),
    Mistake("the bias gradient is summed over everything: sum delta over the samples only, "
            "delta.sum(axis=0), one number per unit", fn=_variant(db="all")),
    Mistake("the bias gradient is averaged: N times too small; delta already carries the "
            "1/(N K), so sum its rows, delta.sum(axis=0)", fn=_variant(db="mean")),
]


def two_layer_backward(fn):
    """Check fn(X (N, D), Y (N, K), W1 (D, H), b1 (H,), W2 (H, K), b2 (K,)) ->
    (dW1 (D, H), db1 (H,), dW2 (H, K), db2 (K,)) for a tanh hidden layer, linear output, MSE."""
    return check("two_layer_backward", fn, _backward_reference, _backward_cases(),
                 _BACKWARD_MISTAKES, outputs=("dW1", "db1", "dW2", "db2"))


# -- the relative error ----------------------------------------------------------------------
def _relative_error_cases():
    rng = np.random.default_rng(302)
    a, b = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    g = rng.normal(size=7)
    tiny = rng.normal(size=(2, 5))
    return [Case(a, b),                                       # unrelated arrays
            Case(g, g + 1e-3 * rng.normal(size=7)),           # nearly equal
            Case(7.0 * g, g),                                 # N = 7 times too large
            Case(tiny, tiny * (1 + 1e-2 * rng.normal(size=(2, 5)))),
            Case(-g, 2 * g),                                  # opposite signs
            Case(np.zeros((3, 2)), np.zeros((3, 2)))]         # both zero: a gradient of 0


def _norm(v):
    return np.sqrt(np.sum(v ** 2))


def _entrywise(a, b, reduce):
    return float(reduce(np.abs(a - b) / np.maximum(np.abs(a), np.abs(b))))


def _like(formula):
    """A Mistake test: the learner's error equals ``formula``'s on every case but the one of
    two zero arrays (where a careless formula gives NaN or 0: either is left aside)."""
    def test(got, cases):
        for g, case in zip(got, cases):
            if np.any(case.args[0]) or np.any(case.args[1]):
                with np.errstate(all="ignore"):
                    theirs = np.float64(formula(*case.args))
                if _core_relative_error(g[0], theirs) > MISTAKE_TOLERANCE:
                    return False
        return True
    return test


_ENTRYWISE = ("an entrywise error: it blows up on entries that are (nearly) 0 in both arrays; "
              "compare whole arrays, norm(a - b) / (norm(a) + norm(b))")
_ONE_SIDED = ("divided by the norm of one array only: the error must not depend on which array "
              "comes first; divide by norm(a) + norm(b)")
_RELATIVE_ERROR_MISTAKES = [
    Mistake("NaN when both arrays are zero (0 / 0): two zero gradients agree, so return 0.0 "
            "when the denominator is 0", fn=lambda a, b: _norm(a - b) / (_norm(a) + _norm(b))),
    Mistake(_ONE_SIDED, test=_like(lambda a, b: _norm(a - b) / _norm(b))),
    Mistake(_ONE_SIDED, test=_like(lambda a, b: _norm(a - b) / _norm(a))),
    Mistake("squared norms: use the norms themselves, np.linalg.norm(a - b) / "
            "(np.linalg.norm(a) + np.linalg.norm(b))",
            test=_like(lambda a, b: np.sum((a - b) ** 2) / (np.sum(a ** 2) + np.sum(b ** 2)))),
    Mistake("the norm of a sum in the denominator: norm(a + b) is 0 for opposite arrays; "
            "divide by norm(a) + norm(b)", test=_like(lambda a, b: _norm(a - b) / _norm(a + b))),
    Mistake("an absolute error: it grows with the size of the gradients; divide by "
            "norm(a) + norm(b) to make it scale-free", test=_like(lambda a, b: _norm(a - b))),
    Mistake(_ENTRYWISE, test=_like(lambda a, b: _entrywise(a, b, np.max))),
    Mistake(_ENTRYWISE, test=_like(lambda a, b: _entrywise(a, b, np.mean))),
]


def relative_error(fn):
    """Check fn(a, b) -> ||a - b|| / (||a|| + ||b||) (0 when both are 0) for a and b of one
    shape."""
    return check("relative_error", fn, _nnlib_relative_error, _relative_error_cases(),
                 _RELATIVE_ERROR_MISTAKES, outputs=("error",))

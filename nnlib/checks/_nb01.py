"""Checks for notebook 01's exercises: one linear neuron's MSE gradient and one update step."""
import numpy as np

from ..layers import Dense
from ..losses import get_loss
from ..model import Sequential
from ..optimizers import SGD
from ._core import Case, Mistake, check

__all__ = ["mse_gradients", "gradient_step"]


# -- the loss and its gradient ---------------------------------------------------------------
def _mse_reference(X, y, w, b):
    """nnlib's answer: one Dense(D, 1) unit with weights w and bias b, its loss and gradients."""
    layer = Dense(len(w), 1, rng=0)
    layer.params["W"][:, 0] = w
    layer.params["b"][0] = b
    loss = Sequential([layer]).loss_and_gradients(X, y[:, None], get_loss("mse"))
    return loss, layer.grads["W"][:, 0].copy(), float(layer.grads["b"][0])


def _mse_variant(X, y, w, b, sign=1.0, factor=2.0, loss_mean=True, grad_mean=True, bias=True):
    """The loss and gradients with one classic slip switched on (the defaults are right)."""
    e = sign * (X @ w + (b if bias else 0.0) - y)
    n_loss, n_grad = (len(y) if loss_mean else 1), (len(y) if grad_mean else 1)
    return np.sum(e ** 2) / n_loss, factor / n_grad * X.T @ e, factor / n_grad * np.sum(e)


def _mse_cases():
    rng = np.random.default_rng(101)
    cases = []
    for n, d in ((6, 2), (9, 3), (4, 5), (13, 1)):  # N differs and N != D: X.T and X differ
        X = rng.normal(size=(n, d))
        cases.append(Case(X, rng.normal(size=n), rng.normal(size=d), float(rng.normal())))
    return cases


_MSE_MISTAKES = [
    Mistake("the wrong sign: with e = y - y_hat the gradient flips; use e = y_hat - y "
            "(prediction minus target), so dw = 2/N X.T @ e",
            fn=lambda X, y, w, b: _mse_variant(X, y, w, b, sign=-1.0)),
    Mistake("half the right size: the derivative of e**2 is 2 e; keep the factor 2",
            fn=lambda X, y, w, b: _mse_variant(X, y, w, b, factor=1.0)),
    Mistake("summed over the samples instead of averaged: N times too large; divide by N "
            "(the loss is a mean, so its gradient is one too)",
            fn=lambda X, y, w, b: _mse_variant(X, y, w, b, grad_mean=False)),
    Mistake("the loss is summed instead of averaged: N times too large; use the mean of e**2",
            fn=lambda X, y, w, b: _mse_variant(X, y, w, b, loss_mean=False)),
    Mistake("loss and gradients are summed over the samples, not averaged: N times too large; "
            "divide by N",
            fn=lambda X, y, w, b: _mse_variant(X, y, w, b, loss_mean=False, grad_mean=False)),
    Mistake("the error leaves out the bias: use e = X @ w + b - y",
            fn=lambda X, y, w, b: _mse_variant(X, y, w, b, bias=False)),
]


def mse_gradients(fn):
    """Check fn(X (N, D), y (N,), w (D,), b) -> (L, dw (D,), db), the MSE of y_hat = X w + b."""
    return check("mse_and_gradients", fn, _mse_reference, _mse_cases(), _MSE_MISTAKES,
                 outputs=("L", "dw", "db"))


# -- one step of gradient descent ------------------------------------------------------------
def _step_reference(w, b, dw, db, lr):
    """nnlib's answer: one step of nnlib.SGD on copies of w and b."""
    w_new, b_new = np.array(w, dtype=np.float64), np.array([b], dtype=np.float64)
    grads = [("w", w_new, np.array(dw, dtype=np.float64)),
             ("b", b_new, np.array([db], dtype=np.float64))]
    SGD(grads, lr=lr).step()
    return w_new, float(b_new[0])


def _step_cases():
    rng = np.random.default_rng(102)
    return [Case(rng.normal(size=d), float(rng.normal()), rng.normal(size=d), float(rng.normal()),
                 lr) for d, lr in ((2, 0.1), (3, 0.03), (5, 0.5))]


_STEP_MISTAKES = [
    Mistake("a step uphill: the gradient points to where the loss grows; subtract it "
            "(w - lr * dw)", fn=lambda w, b, dw, db, lr: (w + lr * dw, b + lr * db)),
    Mistake("the step is the whole gradient: multiply it by the learning rate lr",
            fn=lambda w, b, dw, db, lr: (w - dw, b - db)),
    Mistake("divided by lr instead of multiplying: the step is lr * dw",
            fn=lambda w, b, dw, db, lr: (w - dw / lr, b - db / lr)),
    Mistake("not updated: return the new value b - lr * db as well",
            fn=lambda w, b, dw, db, lr: (w - lr * dw, b)),
    Mistake("dw and db are swapped: w takes its own gradient dw, b takes db",
            fn=lambda w, b, dw, db, lr: (w - lr * db, b - lr * dw)),
]


def gradient_step(fn):
    """Check fn(w (D,), b, dw (D,), db, lr) -> (w_new (D,), b_new), one gradient-descent step."""
    return check("gradient_step", fn, _step_reference, _step_cases(), _STEP_MISTAKES,
                 outputs=("w", "b"))

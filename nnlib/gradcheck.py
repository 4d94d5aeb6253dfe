"""Gradient checking: compare a backward pass with centred finite differences.

For float64 and a step h = 1e-6, the centred difference (f(x+h) - f(x-h)) / 2h has an error of
order h^2 from the maths plus about eps/h from rounding, so a correct backward typically agrees
to a relative error of 1e-7 or better; 1e-2 or worse means a bug.

``TOLERANCE`` is the one threshold the notebooks and tests use to call a float64 backward pass
correct: rounding alone gives about 1e-10 here, so 1e-7 leaves a thousandfold margin for badly
scaled functions, while a real bug (a missing factor, a wrong sign, a transposed weight) gives
errors of 1e-2 and more.
"""
import numbers

import numpy as np

from ._checks import as_array, positive_float

TOLERANCE = 1e-7


def _value_of(f):
    """Call ``f()`` and return its value as a float, or say what it returned instead."""
    value = f()
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(())[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"f must return a single number, got {type(value).__name__}")
    return float(value)


def numerical_gradient(f, x, h=1e-6):
    """Centred finite differences of the scalar function ``f()`` with respect to the array ``x``.

    ``x`` is changed in place one entry at a time and always restored, so ``f`` can read it
    through a closure (as a model reads its own weights). Returns an array shaped like ``x``.
    ``x`` must be a writable float array (in float64 for a meaningful check) and ``h > 0``.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of no arguments returning a number, "
                        f"got {type(f).__name__}")
    if not isinstance(x, np.ndarray):
        raise TypeError(f"x must be a NumPy array that f reads (it is changed in place), "
                        f"got {type(x).__name__}")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a float array (a step h cannot be added to integers), "
                        f"got dtype {x.dtype}")
    if not x.flags.writeable:
        raise ValueError("x must be writable: it is changed in place, one entry at a time")
    h = positive_float(h, "h")
    grad = np.zeros(x.shape, dtype=np.float64)
    flat = x.reshape(-1)  # a view: writing to it writes to x
    if not np.shares_memory(flat, x):
        raise ValueError("x must be a contiguous array that can be changed in place")
    for i in range(flat.size):
        old = flat[i]
        try:
            flat[i] = old + h
            f_plus = _value_of(f)
            flat[i] = old - h
            f_minus = _value_of(f)
        finally:
            flat[i] = old
        grad.reshape(-1)[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||): 0 for equal arrays, 1 for opposite ones, scale-free.

    A norm-based error, rather than an entrywise one, does not blow up on entries that are
    (nearly) zero in both arrays, such as the gradients of a ReLU unit that never fired.
    """
    a = as_array(a, "a", dtype=np.float64)
    b = as_array(b, "b", dtype=np.float64)
    if a.shape != b.shape:  # broadcasting would compare the wrong entries without a word
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def check_model_gradients(model, loss, X, y, h=1e-6):
    """Check every parameter's backward gradient against finite differences.

    Returns ``{parameter name: relative error}``, e.g. ``{'0.W': 3e-10, '0.b': 2e-10, ...}``;
    ``max(result.values())`` is the worst. The model must be float64: in float32 the rounding
    of each loss value (about 1e-7 relative) divided by h swamps the difference being measured.
    """
    if np.dtype(getattr(model, "dtype", None)) != np.float64:
        raise ValueError(f"model must be float64 for a gradient check (float32 rounding, divided "
                         f"by h, swamps the derivative), got dtype {model.dtype}; build it with "
                         f"dtype=np.float64")
    loss = model.resolve_loss(loss)
    X = model.check_X(X)
    Y = model.prepare_targets(y, loss, n=len(X))
    model.loss_and_gradients(X, Y, loss)
    analytic = {name: g.copy() for name, _, g in model.parameters()}
    errors = {}
    for name, value, _ in model.parameters():
        numeric = numerical_gradient(lambda: model.loss_and_gradients(X, Y, loss), value, h)
        errors[name] = relative_error(analytic[name], numeric)
    return errors

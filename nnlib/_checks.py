"""Input checks for the public entry points.

Each check raises a ``ValueError`` or ``TypeError`` whose message names the argument, what was
expected and what was received. Checks run at entry points only (constructors, ``fit``,
``predict``, losses, ``DataLoader``), never inside the training hot loop.
"""
import contextlib
import numbers
import os
import sys
import warnings

import numpy as np

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn(message, category=UserWarning):
    """``warnings.warn`` pointed at the caller's own line: the first frame outside nnlib, however
    many of nnlib's functions lie between (``fit`` -> ``resolve_loss`` -> ``check_pairing``)."""
    frame, level = sys._getframe(1), 2  # level 2: whoever called this function
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


@contextlib.contextmanager
def errors_prefixed(prefix):
    """Re-raise a ValueError or TypeError from the block with ``prefix: `` before its message,
    so an error found deep inside names the argument the caller gave (``loader.y: ...``)."""
    try:
        yield
    except (ValueError, TypeError) as exc:
        raise type(exc)(f"{prefix}: {exc}") from None


def as_array(value, name, ndim=None, dtype=None, finite=True):
    """Return ``value`` as an ndarray (a new one only when a cast is needed), after checking it.

    ``ndim`` may be an int or a tuple of allowed ints. Non-numeric input is a ``TypeError``.
    """
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):  # ragged nesting such as [[1, 2], [3]]
        raise ValueError(f"{name} must be a rectangular array (every row of the same length), "
                         f"got a ragged {type(value).__name__}") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must hold numbers, got an array of dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {arr.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, "
                             f"got a {arr.ndim}-D array of shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if dtype is not None:
        arr = arr.astype(dtype, copy=False)
    if finite and np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must hold only finite values, got {bad} NaN or inf entries")
    return arr


def same_rows(a, b, name_a, name_b):
    """Check that two arrays hold the same number of samples (rows)."""
    if len(a) != len(b):
        raise ValueError(f"{name_a} and {name_b} must have the same number of rows, "
                         f"got {len(a)} and {len(b)}")


def positive_int(value, name):
    """Check a strictly positive integer (bools are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r} "
                        f"({type(value).__name__})")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def real_number(value, name, bound="", ok=lambda v: True):
    """Check a finite real number (bools, strings and NaN are refused) for which ``ok`` holds.

    ``bound`` describes ``ok`` in the error message, e.g. ``"> 0"``. Returns a float.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not (np.isfinite(value) and ok(value)):
        raise ValueError(f"{name} must be a finite number {bound}".rstrip() + f", got {value}")
    return value


def positive_float(value, name):
    """Check a finite real number > 0."""
    return real_number(value, name, "> 0", lambda v: v > 0)


def non_negative_float(value, name):
    """Check a finite real number >= 0."""
    return real_number(value, name, ">= 0", lambda v: v >= 0)


def zero_to_below_one(value, name):
    """Check a number in the half-open interval [0, 1) (momentum, Adam's betas)."""
    return real_number(value, name, "in [0, 1)", lambda v: 0.0 <= v < 1.0)


def as_rng(rng, name="rng"):
    """Turn a seed, a Generator or None into a Generator (never touching NumPy's global state)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, (bool, np.bool_)):
        if rng < 0:
            raise ValueError(f"{name} must be a seed >= 0, a numpy Generator or None, got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(f"{name} must be a numpy Generator, an int seed or None, "
                    f"got {type(rng).__name__}")


def lookup(table, name, what):
    """Look ``name`` up in ``table``; an unknown name lists the valid ones."""
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a name (str), got {type(name).__name__}")
    key = name.lower()
    if key not in table:
        valid = ", ".join(sorted(table))
        raise ValueError(f"unknown {what} {name!r}; valid names are: {valid}")
    return table[key]


def float_dtype(dtype, name="dtype"):
    """Return a NumPy floating dtype (float32 or float64)."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name} must be a NumPy float dtype, got {dtype!r}") from None
    if dt not in (np.float32, np.float64):
        raise ValueError(f"{name} must be float32 or float64, got {dt}")
    return dt


def refuse_text_labels(y, name="y"):
    """Class names given as text ('setosa', 'yes'): say how to turn them into numbers."""
    if not isinstance(y, (list, tuple, np.ndarray)):
        return
    try:
        arr = np.asarray(y)
    except (ValueError, TypeError):
        return  # ragged: as_array says so
    if arr.size and (arr.dtype.kind in "US" or (arr.dtype == object
                                                and isinstance(arr.flat[0], str))):
        raise TypeError(f"{name} must hold class labels numbered 0, 1, ..., K-1, got text labels "
                        f"such as {str(arr.flat[0])!r}: number them first with "
                        f"classes, y = np.unique(y, return_inverse=True) (label k then means "
                        f"classes[k]), or use nnlib.estimators.NNClassifier, which takes any "
                        f"labels")

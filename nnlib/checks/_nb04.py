"""Checks for notebook 04's exercises: a tanh Dense layer forward and backward, and one epoch of
a shuffling loader's batches."""
import functools

import numpy as np

from ..data import DataLoader
from ..layers import Dense
from ._core import Case, Mistake, check, require_function

__all__ = ["dense_forward", "dense_backward", "shuffled_batches"]

# (N, D, M) of the cases: N differs from case to case and N, D, M differ within each case, so a
# transposed array or a sum over the wrong axis changes a shape or a value.
_LAYER_SHAPES = [(4, 3, 2), (7, 5, 3), (2, 6, 4), (9, 2, 5)]


def _tanh_layer(W, b):
    """nnlib's tanh Dense layer holding copies of W (D, M) and b (M,)."""
    layer = Dense(W.shape[0], W.shape[1], activation="tanh", rng=0)
    layer.params["W"][...] = W
    layer.params["b"][...] = b
    return layer


def _layer_arrays(rng, n, d, m):
    """X (N, D), W (D, M), b (M,): entries of both signs, b far enough from 0 to matter."""
    return (2.0 * rng.standard_normal((n, d)), rng.standard_normal((d, m)),
            rng.uniform(0.5, 1.5, m) * rng.choice([-1.0, 1.0], m))


# -- forward --------------------------------------------------------------------------------

def _forward_reference(X, W, b):
    layer = _tanh_layer(W, b)
    layer.forward(X)
    return layer.cache["Z"], layer.cache["A"]


_FORWARD_MISTAKES = [
    Mistake("the bias is missing: Z = X @ W leaves b out; add b to every row, Z = X @ W + b, "
            "and A = tanh(Z)", fn=lambda X, W, b: (X @ W, np.tanh(X @ W))),
    Mistake("the activation is missing: A is tanh(Z), not Z itself",
            fn=lambda X, W, b: (X @ W + b, X @ W + b)),
    Mistake("the bias is added after the activation: tanh(X @ W) + b; it belongs inside, "
            "Z = X @ W + b and A = tanh(Z)", fn=lambda X, W, b: (X @ W, np.tanh(X @ W) + b)),
    Mistake("Z and A are swapped: return them in the order (Z, A), the pre-activation first",
            fn=lambda X, W, b: (np.tanh(X @ W + b), X @ W + b)),
]


def dense_forward(fn):
    """Check your forward pass of a tanh layer: fn(X (N, D), W (D, M), b (M,)) -> (Z (N, M),
    A (N, M)), with Z = X @ W + b and A = tanh(Z)."""
    rng = np.random.default_rng(404)
    cases = [Case(*_layer_arrays(rng, n, d, m)) for n, d, m in _LAYER_SHAPES]
    return check("dense_forward", fn, _forward_reference, cases, _FORWARD_MISTAKES,
                 outputs=("Z", "A"))


# -- backward -------------------------------------------------------------------------------

def _backward_reference(dA, X, Z, A, W):
    layer = _tanh_layer(W, np.zeros(W.shape[1]))  # backward reads W and the cache, not b
    layer.cache = {"X": X, "Z": Z, "A": A}
    dX = layer.backward(dA)
    return layer.grads["W"].copy(), layer.grads["b"].copy(), dX


def _grads(delta, X, W):
    """(dW, db, dX) from a layer's delta (N, M), the right way."""
    return X.T @ delta, delta.sum(axis=0), delta @ W.T


# Each mistake below is written with the learner's signature (dA, X, Z, A, W).
def _wrong_sign(dA, X, Z, A, W):
    return tuple(-g for g in _grads(dA * (1 - A**2), X, W))


def _divided_by_n(dA, X, Z, A, W):
    return _grads(dA * (1 - A**2) / len(X), X, W)


def _dX_from_dA(dA, X, Z, A, W):
    dW, db, _ = _grads(dA * (1 - A**2), X, W)
    return dW, db, dA @ W.T


def _no_derivative(dA, X, Z, A, W):
    return _grads(dA, X, W)


def _slope_from_Z(dA, X, Z, A, W):
    return _grads(dA * (1 - Z**2), X, W)


def _slope_at_output(dA, X, Z, A, W):
    return _grads(dA * (1 - np.tanh(A)**2), X, W)


def _dW_transposed(dA, X, Z, A, W):
    delta = dA * (1 - A**2)
    return delta.T @ X, delta.sum(axis=0), delta @ W.T


def _dX_transposed(dA, X, Z, A, W):
    delta = dA * (1 - A**2)
    return X.T @ delta, delta.sum(axis=0), W @ delta.T


def _db_wrong_axis(dA, X, Z, A, W):
    delta = dA * (1 - A**2)
    return X.T @ delta, delta.sum(axis=1), delta @ W.T


_BACKWARD_MISTAKES = [
    Mistake("every gradient has the wrong sign: delta = dA * (1 - A**2), and the gradients "
            "follow from it with a plus sign (the minus belongs to the update step, not here)",
            fn=_wrong_sign),
    Mistake("divided by N: dA already carries the loss's 1/N (the loss owns the average), so "
            "the layer only sums over the batch; remove the / N (or the mean)", fn=_divided_by_n),
    # Before the missing derivative: when only dX is wrong, this is the more precise diagnosis.
    Mistake("dX = dA @ W.T skips the activation: the gradient passed to the layer below is "
            "delta @ W.T, with delta = dA * (1 - A**2)", fn=_dX_from_dA),
    Mistake("the activation's derivative is missing: delta = dL/dZ = dA * tanh'(Z), with "
            "tanh'(Z) = 1 - A**2; multiply dA by it before the three products",
            fn=_no_derivative),
    Mistake("tanh's slope was taken as 1 - Z**2: that formula is written in the output, "
            "tanh'(Z) = 1 - tanh(Z)**2 = 1 - A**2; use A, not Z", fn=_slope_from_Z),
    Mistake("tanh's slope was evaluated at the output A (1 - tanh(A)**2) instead of at the "
            "input Z: tanh'(Z) = 1 - tanh(Z)**2 = 1 - A**2", fn=_slope_at_output),
    Mistake("dW has shape (M, D), the transpose of W's: write dW = X.T @ delta, which has W's "
            "shape (D, M)", fn=_dW_transposed),
    Mistake("dX has shape (D, N), the transpose of X's: write dX = delta @ W.T, which has X's "
            "shape (N, D)", fn=_dX_transposed),
    Mistake("db is summed over the units (axis=1) instead of over the batch: db = "
            "delta.sum(axis=0), shape (M,) like b", fn=_db_wrong_axis),
]


def dense_backward(fn):
    """Check your backward pass of a tanh layer: fn(dA (N, M), X (N, D), Z (N, M), A (N, M),
    W (D, M)) -> (dW (D, M), db (M,), dX (N, D))."""
    rng = np.random.default_rng(4040)
    cases = []
    for n, d, m in _LAYER_SHAPES:
        X, W, b = _layer_arrays(rng, n, d, m)
        Z = X @ W + b
        cases.append(Case(rng.standard_normal((n, m)) / n, X, Z, np.tanh(Z), W))
    return check("dense_backward", fn, _backward_reference, cases, _BACKWARD_MISTAKES,
                 outputs=("dW", "db", "dX"))


# -- one epoch of a shuffling loader --------------------------------------------------------

def _batches_reference(n_samples, batch_size, rng):
    loader = DataLoader(np.arange(n_samples)[:, None], batch_size=batch_size, shuffle=True,
                        rng=rng)
    return [Xb[:, 0].copy() for Xb in loader]


def _as_table(batches):
    """A list of index arrays as one (n, 2) array of rows (sample index, batch number), which the
    comparison can take; anything that is not a list of 1-D arrays of indices is refused."""
    if isinstance(batches, np.ndarray) and batches.ndim == 1:
        raise TypeError("your function should return a list of batches (1-D index arrays), "
                        "got one 1-D array: cut the epoch's order into batches of batch_size")
    if not hasattr(batches, "__iter__"):
        raise TypeError(f"your function should return a list of 1-D index arrays (one per "
                        f"batch), got {type(batches).__name__}")
    rows = []
    for k, batch in enumerate(batches):
        batch = np.asarray(batch)
        if batch.ndim != 1 or not np.all(np.equal(np.mod(batch, 1), 0)):
            raise TypeError(f"batch {k} should be a 1-D array of sample indices, got an array "
                            f"of shape {batch.shape} and dtype {batch.dtype}")
        rows += [(i, k) for i in batch.tolist()]
    return np.array(rows, dtype=np.float64).reshape(len(rows), 2)


def _indices(table):
    return table[0][:, 0]


def _out_of_range(got, cases):
    return any(np.any((_indices(t) < 0) | (_indices(t) >= c.args[0])) for t, c in zip(got, cases))


def _repeats(got, cases):
    return any(len(np.unique(_indices(t))) < len(_indices(t)) for t in got)


def _not_shuffled(got, cases):
    return all(np.array_equal(_indices(t), np.arange(c.args[0])) for t, c in zip(got, cases))


def _ignores_rng(got, cases):
    # Cases 0 and 1 have the same sizes and differ only in the state of their generators.
    return np.array_equal(got[0][0], got[1][0])


def _drops_last_batch(got, cases):
    short = [(t, c) for t, c in zip(got, cases) if c.args[0] % c.args[1]]
    return all(len(_indices(t)) == c.args[0] - c.args[0] % c.args[1] for t, c in short)


def _drops_samples(got, cases):
    return any(len(np.unique(_indices(t))) < c.args[0] for t, c in zip(got, cases))


def _wrong_batch_sizes(got, cases):
    for t, c in zip(got, cases):
        sizes = np.bincount(t[0][:, 1].astype(np.intp))
        if sizes.size == 0 or np.any(sizes[:-1] != c.args[1]) or sizes[-1] > c.args[1]:
            return True
    return False


def _other_permutation(got, cases):
    return all(np.array_equal(np.sort(_indices(t)), np.arange(c.args[0]))
               for t, c in zip(got, cases))


_BATCH_MISTAKES = [
    Mistake("indices outside 0 .. n_samples - 1: samples are numbered from 0 (Python "
            "indexing), so an epoch is a permutation of range(n_samples)", test=_out_of_range),
    Mistake("repeats samples: an index appears twice in one epoch (drawn with replacement, "
            "e.g. rng.integers); an epoch is a permutation: order = rng.permutation(n_samples)",
            test=_repeats),
    Mistake("not shuffled: the batches come in the order 0, 1, 2, ...; draw the order with "
            "rng.permutation(n_samples) and cut that into batches", test=_not_shuffled),
    Mistake("gives the same order every epoch: the order does not depend on the `rng` passed "
            "in (a generator seeded inside the function?); draw from `rng`, whose state moves "
            "on from one epoch to the next", test=_ignores_rng),
    Mistake("drops the last, shorter batch: when batch_size does not divide n_samples the "
            "samples left over must form one more batch; let the loop run "
            "`for start in range(0, n_samples, batch_size)`", test=_drops_last_batch),
    Mistake("drops samples: some indices never appear in the epoch; every sample must be in "
            "exactly one batch", test=_drops_samples),
    Mistake("batches of the wrong size: every batch holds batch_size samples except the last, "
            "which holds what is left", test=_wrong_batch_sizes),
    Mistake("each epoch is a valid shuffle, but not the order nnlib draws: call "
            "rng.permutation(n_samples) once, first, and cut it in order, so that your batches "
            "can be compared with the DataLoader's", test=_other_permutation),
]


def shuffled_batches(fn):
    """Check one epoch of a shuffling loader: fn(n_samples, batch_size, rng) -> a list of 1-D
    index arrays, the batches in order; returns your function if it passes, else nnlib's."""
    cases = [Case(n, b, np.random.default_rng(seed))
             for n, b, seed in [(10, 3, 41), (10, 3, 42), (7, 2, 43), (12, 4, 44), (5, 8, 45),
                                (23, 5, 46)]]
    require_function(fn)  # before it is wrapped, which would hide what it is

    @functools.wraps(fn)
    def as_table(n_samples, batch_size, rng):
        return _as_table(fn(n_samples, batch_size, rng))

    passed = check("shuffled_batches", as_table, lambda *a: _as_table(_batches_reference(*a)),
                   cases, _BATCH_MISTAKES)
    return fn if passed is as_table else _batches_reference

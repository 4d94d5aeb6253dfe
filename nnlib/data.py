"""DataLoader: mini-batches of rows, optionally shuffled afresh every epoch."""
import math

import numpy as np

from ._checks import as_array, as_rng, positive_int, refuse_text_labels


# Up to this size the inputs are shuffled with one copy per epoch, above it batch by batch.
EPOCH_GATHER_BYTES = 4 * 2**20


def _check_targets(y, n):
    """y may be None, an array, a tuple of arrays, or a dict of arrays, each with n rows."""
    def check(v, name):
        refuse_text_labels(v, name)  # class names are a common first try
        arr = as_array(v, name, ndim=(1, 2))
        if len(arr) != n:
            raise ValueError(f"X and {name} must have the same number of rows, "
                             f"got {n} and {len(arr)}")
        return arr

    if y is None:
        return None
    if isinstance(y, dict):
        return {k: check(v, f"y[{k!r}]") for k, v in y.items()}
    if isinstance(y, tuple):
        return tuple(check(v, f"y[{i}]") for i, v in enumerate(y))
    return check(y, "y")


def take_rows(y, idx):
    """Rows ``idx`` (an index array or a slice) of an array, a tuple or a dict of arrays."""
    if isinstance(y, dict):
        return {k: v[idx] for k, v in y.items()}
    if isinstance(y, tuple):
        return tuple(v[idx] for v in y)
    return y[idx]


class DataLoader:
    """Iterate over ``(X_batch, y_batch)`` pairs.

    ``X`` is ``(N, D)``; ``y`` is ``(N,)`` or ``(N, K)``, or a tuple or dict of such arrays (for a
    model with several heads), or None (then batches are ``X`` alone). One pass covers every
    sample exactly once; ``len`` is floor(N / B) with ``drop_last`` (the short last batch is
    dropped) and ceil(N / B) without it. With ``shuffle``, each pass uses a new permutation drawn
    from ``rng``. The caller's arrays are only read, never written.
    """

    def __init__(self, X, y=None, batch_size=32, shuffle=False, drop_last=False, rng=None):
        self.X = as_array(X, "X", ndim=2)
        self.y = _check_targets(y, len(self.X))
        self.batch_size = positive_int(batch_size, "batch_size")
        if not isinstance(shuffle, bool) or not isinstance(drop_last, bool):
            raise TypeError(f"shuffle and drop_last must be True or False, got "
                            f"{shuffle!r} and {drop_last!r}")
        if drop_last and self.batch_size > len(self.X):
            raise ValueError(f"batch_size must be <= the number of samples ({len(self.X)}) "
                             f"with drop_last=True, got {self.batch_size}")
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.rng = as_rng(rng)

    @property
    def n_samples(self):
        return len(self.X)

    def __len__(self):
        n, b = self.n_samples, self.batch_size
        return n // b if self.drop_last else math.ceil(n / b)

    def batches(self, X, y=None):
        """Yield batches of ``X`` and ``y`` (same rows as the loader's own) in this loader's order.

        The training loop uses it to batch arrays already cast to the model's dtype.
        """
        perm = self.rng.permutation(len(X)) if self.shuffle else None
        if perm is not None and X.nbytes <= EPOCH_GATHER_BYTES:
            # Small data: one gather of the whole epoch, then cheap slices (views): far fewer
            # NumPy calls than indexing every batch separately.
            X = X[perm]
            y = None if y is None else take_rows(y, perm)
            perm = None
        for i in range(len(self)):
            s = slice(i * self.batch_size, (i + 1) * self.batch_size)
            if perm is not None:
                # Large data: gather each batch when it is needed. A shuffled copy of the whole
                # set would be a new allocation every epoch, which the OS zeroes and maps page
                # by page (for 50 MB of inputs, 10-150 ms an epoch on a 2-core machine).
                s = perm[s]
            if y is None:
                yield X[s]
            elif isinstance(y, np.ndarray):  # the usual case, sliced here: saves a call a batch
                yield X[s], y[s]
            else:
                yield X[s], take_rows(y, s)

    def __iter__(self):
        return self.batches(self.X, self.y)

    def __repr__(self):
        return (f"DataLoader(n_samples={self.n_samples}, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last}, batches={len(self)})")

"""Losses: a value averaged over the batch and its gradient, which is already divided by N.

Shapes: ``y_hat`` is the network's output, ``(N, K)``. Targets ``y`` are ``(N, K)`` or, where
K = 1, ``(N,)``; categorical cross-entropy also takes integer labels ``(N,)`` in [0, K).

Every loss has two paths:
* the plain one, ``value(y_hat, y)`` and ``gradient(y_hat, y)`` = dL/dy_hat, which works with
  any output activation;
* the fused one, for the output activation named by ``pairs_with``: ``value_from_logits(Z, y)``
  computes the loss from the pre-activation ``Z`` without ever taking log(0), and
  ``delta(y_hat, y)`` = dL/dZ, which for each pairing simplifies to a scaled y_hat - y.
  ``Sequential.output_loss`` is the one place that chooses between the two paths, and its
  docstring lists the three pairings and why they collapse.
"""
import numpy as np

from ._checks import as_array, lookup, refuse_text_labels


# The smallest normal number of each float dtype, looked up once: np.finfo costs as much as a
# small NumPy call, and the training loop's loss would pay it every step.
_TINY = {t: np.finfo(t).tiny for t in (np.float16, np.float32, np.float64, np.longdouble)}


def _as_float(y_hat):
    # Integer or boolean predictions (hard 0/1 outputs) are valid; the eps clipping needs floats.
    return y_hat if np.issubdtype(y_hat.dtype, np.floating) else y_hat.astype(np.float64)


def _check_rows(y, n):
    if n is not None and len(y) != n:
        raise ValueError(f"y must have one row per input sample ({n} rows), got {len(y)} rows")


class Loss:
    """Base class. Subclasses implement ``raw_value``, ``raw_gradient``, ``value_from_logits``
    and ``delta``.

    Naming rule: ``value``, ``gradient`` and ``prepare`` check their arguments; the others are
    unchecked, for models that have already prepared the targets once (``raw_`` says so), and
    a leading underscore means "used only inside this module".
    """

    name = "loss"
    pairs_with = None  # name of the output activation whose fused gradient ``delta`` gives

    # -- public, checked entry points -------------------------------------------------------
    def __call__(self, y_hat, y):
        return self.value(y_hat, y)

    def value(self, y_hat, y):
        """Mean loss over the batch, a Python float."""
        y_hat = self._check_output(y_hat)
        return self.raw_value(y_hat, self.prepare(y, y_hat.shape[1], y_hat.dtype, n=len(y_hat)))

    def gradient(self, y_hat, y):
        """dL/dy_hat, shape (N, K), averaged over the batch."""
        y_hat = self._check_output(y_hat)
        return self.raw_gradient(y_hat, self.prepare(y, y_hat.shape[1], y_hat.dtype, n=len(y_hat)))

    def _check_output(self, y_hat):
        y_hat = _as_float(as_array(y_hat, "y_hat", ndim=2))
        if self.pairs_with in ("sigmoid", "softmax") and (y_hat.min() < 0 or y_hat.max() > 1):
            # Logits passed by mistake would give a finite but meaningless number.
            raise ValueError(f"y_hat must hold probabilities in [0, 1] for {self.name} (the "
                             f"output of a {self.pairs_with}, not logits), got values in "
                             f"[{y_hat.min():.4g}, {y_hat.max():.4g}]")
        return y_hat

    def prepare(self, y, n_outputs, dtype, n=None):
        """Check targets and return them as a float array (N, K) of ``dtype``.

        Called once at the entry point, so the hot loop never converts or checks again.
        """
        y = as_array(y, "y", ndim=(1, 2))
        _check_rows(y, n)
        if y.ndim == 1:
            y = y[:, None]
        if y.shape[1] != n_outputs:
            raise ValueError(f"y must have {n_outputs} column(s) to match the output, "
                             f"got shape {y.shape}")
        return y.astype(dtype, copy=False)

    # -- unchecked: ``Y`` as returned by ``prepare``; called by models in the training loop -----
    def raw_value(self, y_hat, Y):
        raise NotImplementedError

    def raw_gradient(self, y_hat, Y):
        raise NotImplementedError

    def value_from_logits(self, Z, Y, y_hat=None):
        """Loss from the output layer's pre-activation ``Z`` (N, K); ``Y`` as from ``prepare``.

        ``y_hat``, the paired activation of ``Z``, may be passed when the caller has it: a loss
        may use it to save work, but only where that gives the same value.
        """
        raise NotImplementedError

    def delta(self, y_hat, Y):
        """dL/dZ for the ``pairs_with`` output activation, (N, K): (y_hat - Y) / N."""
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


class MeanSquaredError(Loss):
    """L = mean over samples and outputs of (y_hat - y)^2; dL/dy_hat = 2 (y_hat - y) / (N K)."""

    name = "mse"
    pairs_with = "identity"

    def raw_value(self, y_hat, Y):
        D = y_hat - Y
        return float(np.vdot(D, D)) / D.size

    def raw_gradient(self, y_hat, Y):
        return (y_hat - Y) * (2.0 / y_hat.size)

    def value_from_logits(self, Z, Y, y_hat=None):
        return self.raw_value(Z, Y)  # identity output: the logits are the prediction

    def delta(self, y_hat, Y):
        return self.raw_gradient(y_hat, Y)


class BinaryCrossEntropy(Loss):
    """L = -mean[y log y_hat + (1 - y) log(1 - y_hat)] over samples and outputs.

    Paired with a sigmoid output, dL/dZ = (y_hat - y) / (N K): the sigmoid's slope
    y_hat (1 - y_hat) cancels the denominator of dL/dy_hat.
    """

    name = "binary_cross_entropy"
    pairs_with = "sigmoid"

    def prepare(self, y, n_outputs, dtype, n=None):
        refuse_text_labels(y)
        Y = super().prepare(y, n_outputs, dtype, n)
        if np.any((Y < 0) | (Y > 1)):
            raise ValueError(f"y must hold values in [0, 1] for binary cross-entropy, "
                             f"got values in [{Y.min()}, {Y.max()}]: it scores yes (1) / no (0) "
                             f"labels or probabilities, so map two classes to 0 and 1 first "
                             f"(e.g. y = (y == positive_class).astype(float)); for more than two "
                             f"classes use a softmax output with cross_entropy")
        return Y

    def raw_value(self, y_hat, Y):
        # Clip with the dtype's eps so that log never sees 0, as scikit-learn does.
        eps = np.finfo(y_hat.dtype).eps
        P = np.clip(y_hat, eps, 1 - eps)
        return float(-np.mean(Y * np.log(P) + (1 - Y) * np.log1p(-P)))

    def raw_gradient(self, y_hat, Y):
        eps = np.finfo(y_hat.dtype).eps
        P = np.clip(y_hat, eps, 1 - eps)
        return (P - Y) / (P * (1 - P)) / y_hat.size

    def value_from_logits(self, Z, Y, y_hat=None):
        # -[y log s(z) + (1-y) log(1-s(z))] = log(1 + e^z) - y z
        #                                   = max(z, 0) - y z + log1p(e^-|z|).
        # The last form never overflows (z = +-1000 is fine) and, unlike logaddexp(0, z) - y z,
        # does not subtract two nearly equal numbers for a confident, correct row: at z = 30,
        # y = 1 it gives log1p(e^-30) = 9.358e-14 to full precision, not 9.237e-14.
        return float(np.mean(np.maximum(Z, 0.0) - Y * Z + np.log1p(np.exp(-np.abs(Z)))))

    def delta(self, y_hat, Y):
        return (y_hat - Y) / y_hat.size


class CrossEntropy(Loss):
    """Categorical cross-entropy L = -mean over samples of sum_k y_k log y_hat_k.

    Paired with a softmax output, dL/dZ = (y_hat - y) / N. Targets: integer labels (N,) or
    one-hot rows (N, K).
    """

    name = "cross_entropy"
    pairs_with = "softmax"

    def prepare(self, y, n_outputs, dtype, n=None):
        refuse_text_labels(y)
        y = as_array(y, "y", ndim=(1, 2))
        _check_rows(y, n)
        if y.ndim == 2 and y.shape[1] == 1 and n_outputs > 1:
            raise ValueError(f"y must be class labels of shape (N,) or one-hot rows of shape "
                             f"(N, {n_outputs}), got one column of shape {y.shape}: pass the "
                             f"labels as a 1-D array, y.ravel()")
        if y.ndim == 2:
            Y = super().prepare(y, n_outputs, dtype, n)
            if np.any((Y < 0) | (Y > 1)):
                raise ValueError(f"y rows must be one-hot (or class probabilities) in [0, 1] "
                                 f"for cross-entropy, got values in [{Y.min()}, {Y.max()}]")
            return Y
        if not (np.issubdtype(y.dtype, np.integer) or np.all(y == np.round(y))):
            raise ValueError(f"y must hold integer class labels or one-hot rows, "
                             f"got non-integer values of dtype {y.dtype}")
        if y.min() < 0 or y.max() >= n_outputs:
            raise ValueError(f"y labels must be in [0, {n_outputs - 1}] for {n_outputs} outputs, "
                             f"got labels in [{y.min()}, {y.max()}]: the output layer has one "
                             f"unit per class, for classes numbered 0 to K-1. Renumber other "
                             f"labels with classes, y = np.unique(y, return_inverse=True); for "
                             f"more classes, give the model more output units")
        Y = np.zeros((len(y), n_outputs), dtype=dtype)
        Y[np.arange(len(y)), y.astype(np.intp)] = 1
        return Y

    def raw_value(self, y_hat, Y):
        eps = np.finfo(y_hat.dtype).eps
        return float(-np.vdot(Y, np.log(np.clip(y_hat, eps, 1.0)))) / len(y_hat)

    def raw_gradient(self, y_hat, Y):
        eps = np.finfo(y_hat.dtype).eps
        return -Y / np.clip(y_hat, eps, 1.0) / len(y_hat)

    def value_from_logits(self, Z, Y, y_hat=None):
        if y_hat is not None and y_hat.min() >= _TINY[y_hat.dtype.type]:
            # With no probability underflowed to 0 or to a subnormal, -log y_hat is as accurate
            # as the sum below, in 3 NumPy calls instead of 7 (the training loop's loss).
            return -float(np.vdot(Y, np.log(y_hat))) / len(Z)
        # -log softmax(z)_k = logsumexp(z) - z_k, unchanged when the row max m is taken out of
        # z first, which keeps exp <= 1.
        Zm = Z - Z.max(axis=1, keepdims=True)
        lse = np.log(np.exp(Zm).sum(axis=1, keepdims=True))
        return float(np.vdot(Y, lse - Zm)) / len(Z)

    def delta(self, y_hat, Y):
        D = y_hat - Y
        D /= len(y_hat)  # in place: saves a second (N, K) array
        return D


LOSSES = {
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
    "binary_cross_entropy": BinaryCrossEntropy,
    "bce": BinaryCrossEntropy,
    "cross_entropy": CrossEntropy,
    "categorical_cross_entropy": CrossEntropy,
}


def get_loss(loss):
    """Return a loss object from a name (``'mse'``) or an instance."""
    if isinstance(loss, Loss):
        return loss
    return lookup(LOSSES, loss, "loss")()

"""Activation functions, each with its forward map and its derivative, looked up by name.

Every activation works on a whole batch ``Z`` of shape ``(N, M)`` (one row per sample) and
keeps its dtype. ``derivative(Z, A)`` is the elementwise slope dA/dZ; it takes the output ``A``
too because several slopes are cheapest written in terms of it (sigmoid: A(1-A)).
Softmax is the one map that mixes a row, so its derivative is a Jacobian per row.
"""
import inspect

import numpy as np

from ._checks import as_array, lookup, real_number


class Activation:
    """Base class: an elementwise map ``A = f(Z)`` and its slope ``f'(Z)``."""

    name = "activation"

    def forward(self, Z):
        """(N, M) -> (N, M)."""
        raise NotImplementedError

    def derivative(self, Z, A=None):
        """Elementwise dA/dZ, shape (N, M). ``A`` is ``forward(Z)`` if the caller has it."""
        raise NotImplementedError

    def backward(self, dA, Z, A):
        """Chain rule through the activation: dL/dZ = dL/dA * f'(Z), shape (N, M)."""
        return dA * self.derivative(Z, A)

    def __call__(self, Z):
        return self.forward(Z)

    def config(self):
        """Keyword arguments that rebuild this activation (used by save/load)."""
        return {}

    def __repr__(self):
        args = ", ".join(f"{k}={v}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"


class Identity(Activation):
    """f(z) = z: the output of a regression layer (also called 'linear')."""

    name = "identity"

    def forward(self, Z):
        return Z

    def derivative(self, Z, A=None):
        return np.ones_like(Z)

    def backward(self, dA, Z, A):
        return dA  # the slope is 1: skip a multiply by ones


def _sigmoid(Z):
    # Written with exp(-|z|) so that no exp ever overflows, for z = -1000 as for z = +1000.
    E = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1.0, E) / (1.0 + E)


class Sigmoid(Activation):
    """f(z) = 1 / (1 + e^-z); f'(z) = f(z)(1 - f(z))."""

    name = "sigmoid"
    # The stable formula itself rather than a method that calls it: one Python call fewer per
    # layer and step, which per-sample training (notebook 09: 200,000 steps) pays the most.
    forward = staticmethod(_sigmoid)

    def derivative(self, Z, A=None):
        A = self.forward(Z) if A is None else A
        return A * (1.0 - A)

    def backward(self, dA, Z, A):
        # The same product as dA * derivative(Z, A), without the extra call: per-sample
        # training (batch 1) runs this for every layer of every step.
        return dA * (A * (1.0 - A))


class Tanh(Activation):
    """f(z) = tanh z; f'(z) = 1 - f(z)^2."""

    name = "tanh"

    def forward(self, Z):
        return np.tanh(Z)

    def derivative(self, Z, A=None):
        A = np.tanh(Z) if A is None else A
        return 1.0 - A * A

    def backward(self, dA, Z, A):
        return dA * (1.0 - A * A)  # as Sigmoid.backward: the slope from A, one call fewer


class ReLU(Activation):
    """f(z) = max(z, 0); f'(z) = 1 for z > 0 and 0 otherwise (the kink at 0 is given slope 0)."""

    name = "relu"

    def forward(self, Z):
        return np.maximum(Z, 0.0)

    def derivative(self, Z, A=None):
        return (Z > 0).astype(Z.dtype)

    def backward(self, dA, Z, A):
        return dA * (Z > 0)  # multiplying by a boolean mask keeps dA's dtype


class LeakyReLU(Activation):
    """f(z) = z for z > 0, alpha*z otherwise; f'(z) = 1 or alpha."""

    name = "leaky_relu"

    def __init__(self, alpha=0.01):
        self.alpha = real_number(alpha, "alpha")

    def forward(self, Z):
        return np.where(Z > 0, Z, self.alpha * Z)

    def derivative(self, Z, A=None):
        return np.where(Z > 0, 1.0, self.alpha).astype(Z.dtype, copy=False)

    def config(self):
        return {"alpha": self.alpha}


class ELU(Activation):
    """f(z) = z for z > 0, alpha(e^z - 1) otherwise; f'(z) = 1 or f(z) + alpha."""

    name = "elu"

    def __init__(self, alpha=1.0):
        self.alpha = real_number(alpha, "alpha")

    def forward(self, Z):
        # expm1 of min(z, 0): accurate near 0 and never overflows on the unused branch.
        return np.where(Z > 0, Z, self.alpha * np.expm1(np.minimum(Z, 0.0)))

    def derivative(self, Z, A=None):
        A = self.forward(Z) if A is None else A
        return np.where(Z > 0, 1.0, A + self.alpha).astype(Z.dtype, copy=False)

    def config(self):
        return {"alpha": self.alpha}


class SiLU(Activation):
    """f(z) = z * sigmoid(z); f'(z) = s(z) (1 + z (1 - s(z))) with s the sigmoid."""

    name = "silu"

    def forward(self, Z):
        return Z * _sigmoid(Z)

    def derivative(self, Z, A=None):
        S = _sigmoid(Z)
        return S * (1.0 + Z * (1.0 - S))


class Softmax(Activation):
    """Row-wise f(z)_i = e^{z_i} / sum_j e^{z_j}; df_i/dz_j = f_i (delta_ij - f_j)."""

    name = "softmax"

    def forward(self, Z):
        # Subtracting the row maximum changes nothing mathematically and keeps exp <= 1.
        E = Z - Z.max(axis=1, keepdims=True)
        np.exp(E, out=E)  # in place, like the division: no temporaries beyond E itself
        E /= E.sum(axis=1, keepdims=True)
        return E

    def derivative(self, Z, A=None):
        """The Jacobian of each row, shape (N, M, M): J[n, i, j] = A_i (delta_ij - A_j)."""
        A = self.forward(Z) if A is None else A
        return A[:, :, None] * (np.eye(A.shape[1], dtype=A.dtype) - A[:, None, :])

    def backward(self, dA, Z, A):
        # J^T dA for each row without building J: A * (dA - sum_j dA_j A_j).
        return A * (dA - np.sum(dA * A, axis=1, keepdims=True))


ACTIVATIONS = {
    "identity": Identity,
    "linear": Identity,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "elu": ELU,
    "silu": SiLU,
    "softmax": Softmax,
}


def get_activation(activation, **kwargs):
    """Return an activation object from a name (``'relu'``), an instance, or ``None`` (identity).

    Keyword arguments go to the constructor, e.g. ``get_activation('leaky_relu', alpha=0.1)``.
    """
    if activation is None:
        return Identity()
    if isinstance(activation, Activation):
        return activation
    cls = lookup(ACTIVATIONS, activation, "activation")
    unknown = sorted(set(kwargs) - set(inspect.signature(cls).parameters))
    if unknown:
        raise TypeError(f"activation {activation!r} takes no keyword arguments {unknown}; "
                        f"only leaky_relu and elu take alpha")
    return cls(**kwargs)


def _float_array(Z, ndim=None):
    Z = as_array(Z, "Z", ndim=ndim, finite=False)
    return Z if np.issubdtype(Z.dtype, np.floating) else Z.astype(np.float64)


def sigmoid(Z):
    """Stable logistic function, elementwise, of an array of any shape (ints become float64)."""
    return _sigmoid(_float_array(Z))


def softmax(Z):
    """Row-wise softmax of ``Z`` with shape (N, K) (ints become float64)."""
    return Softmax().forward(_float_array(Z, ndim=2))

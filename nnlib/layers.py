"""The dense (fully connected) layer and its weight initialisers.

Samples are rows: the input ``X`` is ``(N, D)``, ``W`` is ``(D, M)``, ``b`` is ``(M,)`` and
``Z = X @ W + b`` is ``(N, M)``. (Textbooks that stack samples as columns write z = W x + b with
W of shape (M, D): that W is the transpose of this one.)
"""
import numpy as np

from ._checks import as_rng, float_dtype, lookup, positive_int
from .activations import get_activation
from .saving import register_layer


def _normal(rng, n_in, n_out):
    return rng.standard_normal((n_in, n_out))  # N(0, 1), as many first tutorials use


def _xavier_uniform(rng, n_in, n_out):
    limit = np.sqrt(6.0 / (n_in + n_out))  # Var = 2 / (n_in + n_out) (Glorot & Bengio, 2010)
    return rng.uniform(-limit, limit, (n_in, n_out))


def _xavier_normal(rng, n_in, n_out):
    return rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / (n_in + n_out))


def _he_normal(rng, n_in, n_out):
    return rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)  # for ReLU (He et al., 2015)


def _he_uniform(rng, n_in, n_out):
    limit = np.sqrt(6.0 / n_in)
    return rng.uniform(-limit, limit, (n_in, n_out))


# Every initialiser draws random weights: equal weights would make every unit of a layer compute
# the same thing and receive the same gradient, forever.
INITIALIZERS = {
    "normal": _normal,
    "xavier": _xavier_uniform,
    "glorot": _xavier_uniform,
    "xavier_uniform": _xavier_uniform,
    "xavier_normal": _xavier_normal,
    "he": _he_normal,
    "he_normal": _he_normal,
    "he_uniform": _he_uniform,
}


class ParameterStore:
    """One flat buffer of parameter values and one of gradients, handed out piece by piece.

    Why it exists: an optimizer can then update every parameter in the store with a handful
    of NumPy calls on the two flat buffers, instead of a handful per array; on a small network
    that is most of the optimizer's time (``mlp`` builds all its layers in one store). Pieces
    are views that are never moved or reallocated, so a reference to a parameter, taken at
    any time, stays the live parameter.
    """

    def __init__(self, size, dtype=np.float64):
        size = positive_int(size, "size")
        self.values = np.zeros(size, dtype=float_dtype(dtype))
        self.grads = np.zeros(size, dtype=self.values.dtype)
        self.used = 0  # values[:used] has been handed out

    def take(self, shape):
        """The next ``(value, grad)`` pair of views of the given shape; returns them and the
        span ``(start, stop)`` they occupy in the flat buffers."""
        start, stop = self.used, self.used + int(np.prod(shape))
        if stop > self.values.size:
            raise ValueError(f"store holds {self.values.size} numbers, of which {self.used} are "
                             f"used: no room for shape {shape}")
        self.used = stop
        return (self.values[start:stop].reshape(shape), self.grads[start:stop].reshape(shape),
                (start, stop))


@register_layer
class Dense:
    """Affine map followed by an activation: ``A = f(X @ W + b)``.

    Parameters live in ``params = {'W': (D, M), 'b': (M,)}``; ``backward`` writes their gradients
    into ``grads`` under the same names (overwriting, not adding). The arrays are updated in place
    by optimizers, so references to them stay valid.
    """

    def __init__(self, n_in, n_out, activation="identity", init="xavier", rng=None,
                 dtype=np.float64, store=None):
        n_in = positive_int(n_in, "n_in")
        n_out = positive_int(n_out, "n_out")
        self.activation = get_activation(activation)
        self.init = init
        dtype = float_dtype(dtype)
        draw = lookup(INITIALIZERS, init, "init")
        if store is None:
            store = ParameterStore(self.n_parameters_for(n_in, n_out), dtype)
        if not isinstance(store, ParameterStore):
            raise TypeError(f"store must be a ParameterStore, got {type(store).__name__}")
        if store.values.dtype != dtype:
            raise TypeError(f"store must hold {dtype}, like the layer, got {store.values.dtype}")
        # W and b are views into the store, written once here and then only updated in place.
        W, dW, (start, _) = store.take((n_in, n_out))
        b, db, (_, stop) = store.take((n_out,))  # one bias per unit, starting at zero
        W[...] = draw(as_rng(rng), n_in, n_out)
        self.params, self.grads = {"W": W, "b": b}, {"W": dW, "b": db}
        self.store, self.span = store, (start, stop)
        self.cache = {}

    @property
    def n_in(self):
        return self.params["W"].shape[0]

    @property
    def n_out(self):
        return self.params["W"].shape[1]

    @property
    def dtype(self):
        return self.params["W"].dtype

    def forward(self, X):
        """(N, D) -> (N, M). Caches X, Z and A for ``backward``."""
        Z = X @ self.params["W"]
        Z += self.params["b"]  # in place: saves one (N, M) temporary
        A = self.activation.forward(Z)
        self.cache = {"X": X, "Z": Z, "A": A}
        return A

    def backward(self, dA, input_grad=True):
        """Gradient of the loss for the output (N, M) -> for the input (N, D).

        ``input_grad=False`` skips dL/dX (the first layer's input needs none) and returns None.
        """
        c = self.cache
        return self.backward_from_dZ(self.activation.backward(dA, c["Z"], c["A"]), input_grad)

    def backward_from_dZ(self, dZ, input_grad=True):
        """The affine part alone: dL/dZ (N, M) -> dL/dX (N, D), filling ``grads``.

        A model calls it directly for its output layer, whose dL/dZ it already has.
        """
        X = self.cache["X"]
        np.matmul(X.T, dZ, out=self.grads["W"])  # dL/dW = X^T dZ, sums over the batch
        dZ.sum(axis=0, out=self.grads["b"])       # dL/db = sum of dZ's rows
        return dZ @ self.params["W"].T if input_grad else None

    def n_parameters(self):
        return sum(p.size for p in self.params.values())

    def config(self):
        """What rebuilds this layer's shape (weights are saved separately)."""
        return {"type": "Dense", "n_in": self.n_in, "n_out": self.n_out,
                "activation": self.activation.name, "activation_kwargs": self.activation.config(),
                "init": self.init, "dtype": str(self.dtype)}

    @classmethod
    def from_config(cls, config, store=None):
        """A layer of this shape (fresh weights, to be overwritten) from ``config()``."""
        activation = get_activation(config["activation"], **config.get("activation_kwargs", {}))
        return cls(config["n_in"], config["n_out"], activation=activation, init=config["init"],
                   rng=0, dtype=config["dtype"], store=store)

    @staticmethod
    def n_parameters_for(n_in, n_out):
        """How many numbers a Dense(n_in, n_out) takes from a store."""
        return n_in * n_out + n_out

    def __repr__(self):
        return f"Dense({self.n_in}, {self.n_out}, activation={self.activation.name!r})"

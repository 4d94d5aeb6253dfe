"""Optimizers: update parameters in place from the gradients stored beside them.

An optimizer is built from ``model.parameters()``, a list of ``(name, value, grad)`` triples
whose arrays are live: ``step()`` reads each ``grad`` and changes ``value`` in place, so the
model sees the update without any copying. State (momentum, Adam's moments) is kept per
parameter, under the parameter's name.
"""
import math

import numpy as np

from ._checks import lookup, non_negative_float, positive_float, zero_to_below_one


class Optimizer:
    """Base class: holds the parameter list and the learning rate."""

    def __init__(self, params, lr):
        self.params = _check_params(params)
        self.lr = positive_float(lr, "lr")
        self.state = {name: {} for name, _, _ in self.params}
        self.t = 0  # number of steps taken
        # What ``step`` updates: the model's groups of parameters that lie back to back in one
        # flat buffer (see ParameterStore), or else each array on its own.
        self.groups = _groups(params, self.params)
        # One scratch buffer per group for the update's temporaries: the step then allocates no
        # parameter-sized array, which matters when it runs thousands of times a second. It
        # holds nothing from one step to the next, so it is not ``state``.
        self._tmp = [np.empty_like(p) for p, _, _ in self.groups]

    def _zeros(self, key):
        """One zero buffer per group for state ``key``, also shown per parameter in ``state``."""
        shapes = {name: p.shape for name, p, _ in self.params}
        buffers = []
        for value, _, names in self.groups:
            buf = np.zeros_like(value)
            buffers.append(buf)
            for name, view in zip(names, _split(buf, [shapes[n] for n in names])):
                self.state[name][key] = view
        return buffers

    def step(self):
        raise NotImplementedError


def _check_params(params):
    """``params`` as a list of live ``(name, value, grad)`` float arrays, or a clear error."""
    if not isinstance(params, (list, tuple)):
        hint = " (pass model.parameters(), not the model)" if hasattr(params, "parameters") else ""
        raise TypeError(f"params must be the list returned by model.parameters(){hint}, "
                        f"got {type(params).__name__}")
    if not params:
        raise ValueError("params must hold at least one (name, value, grad) triple, got none")
    for i, entry in enumerate(params):
        if not isinstance(entry, (list, tuple)) or len(entry) != 3:
            got = (f"an entry of length {len(entry)}" if isinstance(entry, (list, tuple))
                   else type(entry).__name__)
            raise TypeError("params must be (name, value, grad) triples as returned by "
                            f"model.parameters(), got {got} at index {i}")
        name, value, grad = entry
        for what, arr in (("value", value), ("grad", grad)):
            # A list or an int array would be copied or rounded: the update would be lost.
            if not isinstance(arr, np.ndarray) or not np.issubdtype(arr.dtype, np.floating):
                kind = arr.dtype if isinstance(arr, np.ndarray) else type(arr).__name__
                raise TypeError(f"params[{i}] ({name!r}): the {what} must be a float NumPy "
                                f"array, updated in place, got {kind}")
        if value.shape != grad.shape:
            raise ValueError(f"params[{i}] ({name!r}): value and grad must have one shape, "
                             f"got {value.shape} and {grad.shape}")
    return list(params)


def _groups(given, params):
    """``(value, grad, names)`` to update: ``given.groups`` when ``given`` is a model's
    ``ParameterList`` (checked to cover exactly its arrays), else one group per array."""
    groups = getattr(given, "groups", None)
    if groups is None:
        return [(v, g, [n]) for n, v, g in params]
    if [n for _, _, names in groups for n in names] != [n for n, _, _ in params]:
        raise ValueError("params.groups must cover the parameters in order; pass "
                         "model.parameters() unchanged")
    return groups


def _split(flat, shapes):
    """Views of consecutive pieces of ``flat`` with the given shapes."""
    if len(shapes) == 1:
        return [flat.reshape(shapes[0])]
    out, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        out.append(flat[start:start + size].reshape(shape))
        start += size
    return out


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum and L2 weight decay.

    g <- grad + weight_decay * p;  v <- momentum * v + g;  p <- p - lr * v
    (with momentum 0 this is p <- p - lr * g). The same form as PyTorch's SGD.
    """

    def __init__(self, params, lr=0.01, momentum=0.0, weight_decay=0.0):
        super().__init__(params, lr)
        self.momentum = zero_to_below_one(momentum, "momentum")
        self.weight_decay = non_negative_float(weight_decay, "weight_decay")
        self._velocity = None  # made at the first step with momentum

    def step(self):
        self.t += 1
        if self.momentum and self._velocity is None:
            self._velocity = self._zeros("velocity")
        for i, (p, g, _) in enumerate(self.groups):
            if self.weight_decay:
                g = g + self.weight_decay * p  # a new array: the stored gradient stays as is
            if self.momentum:
                v = self._velocity[i]
                v *= self.momentum
                v += g
                g = v
            p -= np.multiply(g, self.lr, out=self._tmp[i])


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): per-parameter steps scaled by running gradient moments.

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
    p <- p - lr * m_hat / (sqrt(v_hat) + eps), with m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)
    """

    def __init__(self, params, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr)
        self.beta1 = zero_to_below_one(beta1, "beta1")
        self.beta2 = zero_to_below_one(beta2, "beta2")
        self.eps = positive_float(eps, "eps")
        self.weight_decay = non_negative_float(weight_decay, "weight_decay")
        self._m, self._v = self._zeros("m"), self._zeros("v")  # allocated once, like _tmp

    def step(self):
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        # Bias corrections folded into one step size and one epsilon: algebraically the same
        # update as dividing m and v by (1 - b^t), with two fewer array operations.
        # math.sqrt, not np.sqrt: a NumPy float64 scalar in the in-place updates below would make
        # NumPy compute a float32 model's update in float64 (other bits, and 4-6x slower).
        c2 = math.sqrt(1.0 - b2 ** self.t)
        step_size = self.lr * c2 / (1.0 - b1 ** self.t)
        eps = self.eps * c2
        for (p, g, _), m, v, tmp in zip(self.groups, self._m, self._v, self._tmp):
            if self.weight_decay:
                g = g + self.weight_decay * p
            m *= b1
            np.multiply(g, 1.0 - b1, out=tmp)
            m += tmp
            v *= b2
            np.multiply(g, g, out=tmp)
            tmp *= 1.0 - b2
            v += tmp
            np.sqrt(v, out=tmp)
            tmp += eps
            np.divide(m, tmp, out=tmp)
            tmp *= step_size
            p -= tmp


OPTIMIZERS = {"sgd": SGD, "adam": Adam}


def get_optimizer(name, params, **kwargs):
    """Build an optimizer by name: ``get_optimizer('adam', model.parameters(), lr=1e-3)``."""
    return lookup(OPTIMIZERS, name, "optimizer")(params, **kwargs)

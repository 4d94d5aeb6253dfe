"""Optimizers: update parameters in place from the gradients stored beside them.

An optimizer is built from ``model.parameters()``, a list of ``(name, value, grad)`` triples
whose arrays are live: ``step()`` reads each ``grad`` and changes ``value`` in place, so the
model sees the update without any copying. State (momentum, Adam's moments) is kept per
parameter, under the parameter's name.
"""
import numpy as np

from ._checks import in_unit_interval, lookup, positive_float


class Optimizer:
    """Base class: holds the parameter list and the learning rate."""

    def __init__(self, params, lr):
        self.params = list(params)
        if not self.params:
            raise ValueError("params must hold at least one (name, value, grad) triple, got none")
        for entry in self.params:
            if len(entry) != 3:
                raise TypeError("params must be (name, value, grad) triples as returned by "
                                f"model.parameters(), got an entry of length {len(entry)}")
        self.lr = positive_float(lr, "lr")
        self.state = {name: {} for name, _, _ in self.params}
        self.t = 0  # number of steps taken

    def zero_grad(self):
        """Set every gradient to zero (backward overwrites gradients, so training needs no call)."""
        for _, _, g in self.params:
            g.fill(0)

    def step(self):
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum and L2 weight decay.

    g <- grad + weight_decay * p;  v <- momentum * v + g;  p <- p - lr * v
    (with momentum 0 this is p <- p - lr * g). The same form as PyTorch's SGD.
    """

    def __init__(self, params, lr=0.01, momentum=0.0, weight_decay=0.0):
        super().__init__(params, lr)
        self.momentum = in_unit_interval(momentum, "momentum")
        self.weight_decay = positive_float(weight_decay, "weight_decay", allow_zero=True)

    def step(self):
        self.t += 1
        for name, p, g in self.params:
            if self.weight_decay:
                g = g + self.weight_decay * p  # a new array: the stored gradient stays as is
            if self.momentum:
                v = self.state[name].get("velocity")
                if v is None:
                    v = self.state[name]["velocity"] = np.zeros_like(p)
                v *= self.momentum
                v += g
                g = v
            p -= self.lr * g


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): per-parameter steps scaled by running gradient moments.

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
    p <- p - lr * m_hat / (sqrt(v_hat) + eps), with m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)
    """

    def __init__(self, params, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr)
        self.beta1 = in_unit_interval(beta1, "beta1")
        self.beta2 = in_unit_interval(beta2, "beta2")
        self.eps = positive_float(eps, "eps")
        self.weight_decay = positive_float(weight_decay, "weight_decay", allow_zero=True)
        for name, p, _ in self.params:
            # m, v and one scratch buffer per parameter, allocated once: the step then makes no
            # new arrays, which matters when it runs thousands of times a second.
            self.state[name] = {"m": np.zeros_like(p), "v": np.zeros_like(p),
                                "tmp": np.zeros_like(p)}

    def step(self):
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        # Bias corrections folded into one step size and one epsilon: algebraically the same
        # update as dividing m and v by (1 - b^t), with two fewer array operations.
        c2 = np.sqrt(1.0 - b2 ** self.t)
        step_size = self.lr * c2 / (1.0 - b1 ** self.t)
        eps = self.eps * c2
        for name, p, g in self.params:
            s = self.state[name]
            m, v, tmp = s["m"], s["v"], s["tmp"]
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

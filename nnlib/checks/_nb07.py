"""Checks for notebook 07's exercises: one step of SGD with momentum, one step of Adam.

Both references are nnlib's own optimizers, started from the state (velocity; moments and step
count) that the learner's function receives, so the learner is compared with the library itself.
"""
import numpy as np

from ..optimizers import SGD, Adam
from ._core import Case, Mistake, check

__all__ = ["momentum_step", "adam_step"]


# -- SGD with momentum -------------------------------------------------------------------------

def _momentum_reference(p, g, v, lr, momentum):
    """nnlib.SGD's step from velocity v: p, g, v (any one shape) -> (p_new, v_new)."""
    value, grad = np.array(p, dtype=np.float64), np.zeros(np.shape(p))
    opt = SGD([("p", value, grad)], lr=lr, momentum=momentum)
    # SGD makes its velocity at the first step; a step with a zero gradient makes it (zero)
    # without moving p, and then the velocity can be set to the one given.
    opt.step()
    opt.state["p"]["velocity"][...] = v
    grad[...] = g
    opt.step()
    return value, opt.state["p"]["velocity"].copy()


def _momentum_cases():
    # Shapes of a weight matrix and of a bias; lr and momentum differ per case so that a
    # misplaced lr or a dropped momentum changes the answer; lr < 1 so that lr**2 != lr.
    rng = np.random.default_rng(707)
    cases = []
    for shape, lr, momentum in [((4, 3), 0.1, 0.9), ((5,), 0.05, 0.5), ((3, 2), 0.3, 0.8)]:
        p, g, v = (rng.standard_normal(shape) for _ in range(3))
        cases.append(Case(p, g, v, lr, momentum))
    return cases


_MOMENTUM_MISTAKES = [
    Mistake("the step goes uphill: p must move against the velocity, p - lr * v, not p + lr * v",
            fn=lambda p, g, v, lr, mu: (p + lr * (mu * v + g), mu * v + g)),
    Mistake("the velocity has the wrong sign: it adds the gradient, v = momentum * v + g, and "
            "then p = p - lr * v",
            fn=lambda p, g, v, lr, mu: (p - lr * (mu * v - g), mu * v - g)),
    Mistake("lr is applied twice: once inside the velocity and again in the step; keep the "
            "velocity in gradient units, v = momentum * v + g, and step p - lr * v",
            fn=lambda p, g, v, lr, mu: (p - lr * (mu * v + lr * g), mu * v + lr * g)),
    Mistake("lr is inside the velocity (v = momentum * v + lr * g, p = p - v): another "
            "textbook's convention, but here v sums gradients; use v = momentum * v + g and "
            "p = p - lr * v",
            fn=lambda p, g, v, lr, mu: (p - (mu * v + lr * g), mu * v + lr * g)),
    Mistake("the momentum is ignored: this is a plain SGD step; the new velocity is "
            "momentum * v + g, and p moves by lr times that",
            fn=lambda p, g, v, lr, mu: (p - lr * g, g)),
    Mistake("the gradient is damped by (1 - momentum): that is a running average; here "
            "v = momentum * v + g, with the whole gradient",
            fn=lambda p, g, v, lr, mu: (p - lr * (mu * v + (1 - mu) * g), mu * v + (1 - mu) * g)),
    Mistake("p moved with the old velocity: update v first, v = momentum * v + g, then step "
            "p - lr * v with the new v",
            fn=lambda p, g, v, lr, mu: (p - lr * v, mu * v + g)),
    Mistake("the velocity returned is the old one: return the new v = momentum * v + g, which "
            "the next step needs",
            fn=lambda p, g, v, lr, mu: (p - lr * (mu * v + g), v)),
]


def momentum_step(fn):
    """Check your momentum step: fn(p, g, v, lr, momentum) -> (p_new, v_new), all of p's shape."""
    return check("momentum_step", fn, _momentum_reference, _momentum_cases(),
                 _MOMENTUM_MISTAKES, outputs=("p", "v"))


# -- Adam --------------------------------------------------------------------------------------

def _adam_reference(p, g, m, v, t, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    """nnlib.Adam's step t from moments m, v: all of p's shape -> (p_new, m_new, v_new).

    The defaults are the notebook's, so that the notebook can call this in place of yours.
    """
    value, grad = np.array(p, dtype=np.float64), np.array(g, dtype=np.float64)
    opt = Adam([("p", value, grad)], lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    opt.state["p"]["m"][...] = m
    opt.state["p"]["v"][...] = v
    opt.t = t - 1  # step() counts this step, so its bias corrections use t
    opt.step()
    return value, opt.state["p"]["m"].copy(), opt.state["p"]["v"].copy()


def _adam_cases():
    # The first step (t = 1, zero moments) and later ones with moments of both signs; one case
    # with tiny gradients and one with a large eps, so that where eps goes makes a difference.
    rng = np.random.default_rng(717)
    cases = []
    for shape, t, scale, lr, eps, fresh in [((3, 4), 1, 1.0, 0.01, 1e-8, True),
                                            ((6,), 3, 1e-4, 0.05, 1e-8, False),
                                            ((2, 5), 7, 1.0, 0.001, 1e-3, False)]:
        p = rng.standard_normal(shape)
        g = scale * rng.standard_normal(shape)
        m = np.zeros(shape) if fresh else scale * 0.5 * rng.standard_normal(shape)
        v = np.zeros(shape) if fresh else scale**2 * rng.uniform(0.2, 1.0, shape)
        cases.append(Case(p, g, m, v, t, lr, 0.9, 0.999, eps))
    return cases


def _adam_variant(keep_old=True, one_minus_beta=True, squared=True, correct_m=True,
                  correct_v=True, t_shift=0, swap_betas=False, sqrt=True, eps_inside=False,
                  sign=-1):
    """Adam's step with one classic change (the default arguments give the right step)."""
    def step(p, g, m, v, t, lr, beta1, beta2, eps):
        b1, b2 = (beta2, beta1) if swap_betas else (beta1, beta2)
        m = (b1 * m if keep_old else 0) + ((1 - b1) if one_minus_beta else 1) * g
        v = (b2 * v if keep_old else 0) + ((1 - b2) if one_minus_beta else 1) * (
            g * g if squared else g)
        s = t + t_shift
        m_hat = m / (1 - b1**s) if correct_m else m
        v_hat = v / (1 - b2**s) if correct_v else v
        if eps_inside:
            denominator = np.sqrt(v_hat + eps)
        else:
            denominator = (np.sqrt(v_hat) if sqrt else v_hat) + eps
        return p + sign * lr * m_hat / denominator, m, v
    return step


_ADAM_MISTAKES = [
    Mistake("no bias correction: divide m by (1 - beta1**t) and v by (1 - beta2**t) before the "
            "step; without it the first steps have the wrong size",
            fn=_adam_variant(correct_m=False, correct_v=False)),
    Mistake("only m is bias-corrected: v needs its own correction, v_hat = v / (1 - beta2**t)",
            fn=_adam_variant(correct_v=False)),
    Mistake("only v is bias-corrected: m needs its own correction, m_hat = m / (1 - beta1**t)",
            fn=_adam_variant(correct_m=False)),
    Mistake("the bias corrections count steps from 0 (beta**(t - 1)): t is 1 at the first step, "
            "so use 1 - beta1**t and 1 - beta2**t",
            fn=_adam_variant(t_shift=-1)),  # NaN at t = 1: 0 / 0, matched NaN for NaN
    Mistake("the bias corrections use beta**(t + 1): t is already this step's number, so use "
            "1 - beta1**t and 1 - beta2**t",
            fn=_adam_variant(t_shift=1)),
    Mistake("the square root is missing: divide by sqrt(v_hat) + eps, not by v_hat + eps",
            fn=_adam_variant(sqrt=False)),
    Mistake("eps is inside the square root: divide by sqrt(v_hat) + eps, not sqrt(v_hat + eps)",
            fn=_adam_variant(eps_inside=True)),
    Mistake("beta1 and beta2 are swapped: m (the gradient's average) uses beta1 = 0.9, v (the "
            "squared gradient's average) uses beta2 = 0.999",
            fn=_adam_variant(swap_betas=True)),
    Mistake("the running averages lack their (1 - beta) factor: m = beta1 * m + (1 - beta1) * g "
            "and v = beta2 * v + (1 - beta2) * g**2",
            fn=_adam_variant(one_minus_beta=False)),
    Mistake("the old m and v are dropped: keep beta1 * m and beta2 * v in the new averages",
            fn=_adam_variant(keep_old=False)),
    Mistake("v averages g, not g**2: v is the running average of the squared gradient",
            fn=_adam_variant(squared=False)),  # NaN: sqrt of a negative v
    Mistake("the step goes uphill: p - lr * m_hat / (sqrt(v_hat) + eps), with a minus",
            fn=_adam_variant(sign=+1)),
]


def adam_step(fn):
    """Check your Adam step: fn(p, g, m, v, t, lr, beta1, beta2, eps) -> (p_new, m_new, v_new),
    all of p's shape, with t the step's number counted from 1."""
    return check("adam_step", fn, _adam_reference, _adam_cases(), _ADAM_MISTAKES,
                 outputs=("p", "m", "v"))

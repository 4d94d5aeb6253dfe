"""Checks for notebook 02's exercises: the slopes of sigmoid, tanh and ELU written through the
output A = f(Z), and the softmax Jacobian times a vector (the backward pass through softmax)."""
import numpy as np

from ..activations import get_activation, sigmoid
from ._core import Case, Mistake, check

__all__ = ["sigmoid_derivative", "tanh_derivative", "elu_derivative", "softmax_backward"]

# Pre-activations of both signs, an exact 0, and |z| large enough to saturate (or overflow a
# careless exp): the values where the classic slips show.
_EDGES = np.array([0.0, 1000.0, -1000.0, 40.0, -40.0])


def _z_cases(seed):
    """Pre-activations Z of four shapes (N, M), float64, two of them holding the edges."""
    rng = np.random.default_rng(seed)
    cases = []
    for k, (n, m) in enumerate(((5, 3), (8, 2), (3, 7), (6, 4))):
        Z = rng.normal(0.0, 2.0, size=(n, m))
        if k < 2:  # the edges in two of the cases; the others are plain random numbers
            Z.flat[:len(_EDGES)] = _EDGES
        cases.append(Z)
    return cases


def _nonfinite_test(reference):
    """A Mistake test: the learner's output has inf or NaN where nnlib's is finite."""
    def test(got, cases):
        return any(not np.all(np.isfinite(g[0]))
                   for g, case in zip(got, cases)
                   if np.all(np.isfinite(reference(*case.args, **case.kwargs))))
    return test


def _slope_check(name, fn, act, cases, mistakes):
    """Check an elementwise slope fn(Z (N, M), A (N, M), ...) -> f'(Z) (N, M)."""
    def reference(Z, A, *args):
        return act(*args).derivative(Z, A)
    return check(name, fn, reference, cases, mistakes, outputs=("f'(Z)",))


# -- sigmoid ---------------------------------------------------------------------------------
_SIGMOID_MISTAKES = [
    Mistake("used Z in the output form A (1 - A): that form needs A = sigmoid(Z), which is "
            "given; return A * (1 - A)", fn=lambda Z, A: Z * (1 - Z)),
    Mistake("evaluated at the output: sigmoid'(A) instead of sigmoid'(Z); the slope at Z is "
            "A * (1 - A) with A = sigmoid(Z)",
            fn=lambda Z, A: sigmoid(A) * (1 - sigmoid(A))),
    Mistake("a factor is missing: the slope is A * (1 - A), both factors",
            fn=lambda Z, A: A),
    Mistake("a factor is missing: the slope is A * (1 - A), both factors",
            fn=lambda Z, A: 1 - A),
    Mistake("the wrong sign: the sigmoid rises everywhere, so its slope A * (1 - A) is >= 0",
            fn=lambda Z, A: A * (A - 1)),
    Mistake("overflow: NaN or inf at large |z| (np.exp(-z) is inf for z = -1000); "
            "write the slope through A: A * (1 - A)",
            test=_nonfinite_test(lambda Z, A: A * (1 - A))),
]


def sigmoid_derivative(fn):
    """Check fn(Z (N, M), A (N, M)) -> sigmoid'(Z) (N, M), where A = sigmoid(Z)."""
    cases = [Case(Z, sigmoid(Z)) for Z in _z_cases(201)]
    return _slope_check("sigmoid_derivative", fn, lambda: get_activation("sigmoid"), cases,
                        _SIGMOID_MISTAKES)


# -- tanh ------------------------------------------------------------------------------------
_TANH_MISTAKES = [
    Mistake("used Z in the output form 1 - A**2: that form needs A = tanh(Z), which is given; "
            "return 1 - A**2", fn=lambda Z, A: 1 - Z ** 2),
    Mistake("evaluated at the output: tanh'(A) instead of tanh'(Z); the slope at Z is "
            "1 - A**2 with A = tanh(Z)", fn=lambda Z, A: 1 - np.tanh(A) ** 2),
    Mistake("the square is missing: the slope is 1 - A**2", fn=lambda Z, A: 1 - A),
    Mistake("the wrong sign: tanh rises everywhere, so its slope 1 - A**2 is >= 0",
            fn=lambda Z, A: A ** 2 - 1),
    Mistake("overflow: NaN or inf at large |z|; write the slope through A: 1 - A**2",
            test=_nonfinite_test(lambda Z, A: 1 - A ** 2)),
]


def tanh_derivative(fn):
    """Check fn(Z (N, M), A (N, M)) -> tanh'(Z) (N, M), where A = tanh(Z)."""
    cases = [Case(Z, np.tanh(Z)) for Z in _z_cases(202)]
    return _slope_check("tanh_derivative", fn, lambda: get_activation("tanh"), cases,
                        _TANH_MISTAKES)


# -- ELU -------------------------------------------------------------------------------------
def _elu(Z, alpha):
    return get_activation("elu", alpha=alpha).forward(Z)


def _elu_cases():
    cases = []
    for Z, alpha in zip(_z_cases(203), (1.0, 1.0, 0.5, 2.0)):
        # At z = 0 an ELU with alpha != 1 has a kink, and which slope it takes there is a
        # convention, not a right answer: only the alpha = 1 cases (no kink) hold an exact 0.
        Z = Z if alpha == 1.0 else np.where(Z == 0, 0.25, Z)
        cases.append(Case(Z, _elu(Z, alpha), alpha))
    return cases


_ELU_MISTAKES = [
    Mistake("0 for z <= 0: that is ReLU's slope; ELU's slope there is A + alpha",
            fn=lambda Z, A, alpha: np.where(Z > 0, 1.0, 0.0)),
    Mistake("alpha is missing on the left: for z <= 0 the slope is A + alpha",
            fn=lambda Z, A, alpha: np.where(Z > 0, 1.0, A)),
    Mistake("A + alpha is the slope only for z <= 0; for z > 0 it is 1 (use np.where)",
            fn=lambda Z, A, alpha: A + alpha),
    Mistake("used Z for A on the left: for z <= 0 the slope is A + alpha with A = ELU(Z)",
            fn=lambda Z, A, alpha: np.where(Z > 0, 1.0, Z + alpha)),
    Mistake("evaluated at the output: ELU'(A) instead of ELU'(Z); decide the branch by Z and "
            "use A + alpha for z <= 0",
            fn=lambda Z, A, alpha: np.where(A > 0, 1.0, _elu(A, alpha) + alpha)),
    Mistake("overflow: NaN or inf at large |z| (alpha * np.exp(Z) is inf for z = 1000, and "
            "inf * 0 is NaN); use np.where(Z > 0, 1.0, A + alpha)",
            test=_nonfinite_test(lambda Z, A, alpha: np.where(Z > 0, 1.0, A + alpha))),
]


def elu_derivative(fn):
    """Check fn(Z (N, M), A (N, M), alpha) -> ELU'(Z) (N, M), where A = ELU(Z)."""
    return _slope_check("elu_derivative", fn, lambda alpha: get_activation("elu", alpha=alpha),
                        _elu_cases(), _ELU_MISTAKES)


# -- softmax: the Jacobian times a vector ----------------------------------------------------
def _softmax_reference(dA, Z):
    """nnlib's Softmax.backward: J^T dA row by row, without forming J."""
    act = get_activation("softmax")
    return act.backward(dA, Z, act.forward(Z))


def _stable_softmax(Z, axis=1):
    """Softmax along ``axis``: the right one (1) for most mistakes, the wrong one (0) for one."""
    E = np.exp(Z - Z.max(axis=axis, keepdims=True))
    return E / E.sum(axis=axis, keepdims=True)


def _softmax_cases():
    rng = np.random.default_rng(204)
    cases = []
    for n, k, scale in ((5, 3, 2.0), (8, 4, 2.0), (3, 6, 2.0), (4, 3, 600.0)):
        # The last case holds logits of several hundred: np.exp overflows without the row max.
        cases.append(Case(rng.normal(size=(n, k)), rng.normal(0.0, scale, size=(n, k))))
    return cases


def _whole_batch_softmax(Z):
    E = np.exp(Z - Z.max())
    return E / E.sum()


def _jtv(dA, A):
    """J^T dA per row, the right formula, for given probabilities A."""
    return A * (dA - np.sum(dA * A, axis=1, keepdims=True))


_SOFTMAX_MISTAKES = [
    Mistake("overflow at large logits (NaN or inf): np.exp(Z) is inf once z > 709; subtract "
            "each row's maximum first, Z - Z.max(axis=1, keepdims=True), which leaves the "
            "probabilities unchanged", test=_nonfinite_test(_softmax_reference)),
    Mistake("the diagonal of J alone, A * (1 - A) * dA: softmax mixes a row, so the "
            "off-diagonal -A_i A_j terms count too; use A * (dA - (dA * A).sum(axis=1, "
            "keepdims=True))", fn=lambda dA, Z: (lambda A: A * (1 - A) * dA)(_stable_softmax(Z))),
    Mistake("the term - A (dA . A) is missing: the result is A * (dA - (dA * A).sum(axis=1, "
            "keepdims=True))", fn=lambda dA, Z: _stable_softmax(Z) * dA),
    Mistake("the wrong sign: it is A * (dA - s) with s = (dA * A).sum(axis=1, keepdims=True), "
            "not A * (s - dA)", fn=lambda dA, Z: -_jtv(dA, _stable_softmax(Z))),
    Mistake("the dot product dA . A is summed over the batch (axis 0); it belongs to each row: "
            "(dA * A).sum(axis=1, keepdims=True)",
            fn=lambda dA, Z: (lambda A: A * (dA - np.sum(dA * A, axis=0)))(_stable_softmax(Z))),
    Mistake("softmax over the wrong axis: each row (one sample) must sum to 1, so normalise "
            "with E.sum(axis=1, keepdims=True)",
            fn=lambda dA, Z: _jtv(dA, _stable_softmax(Z, axis=0))),
    Mistake("softmax normalised over the whole batch (E.sum() with no axis): each row (one "
            "sample) must sum to 1, so normalise with E.sum(axis=1, keepdims=True)",
            fn=lambda dA, Z: _jtv(dA, _whole_batch_softmax(Z))),
    Mistake("used Z where the probabilities A = softmax(Z) belong: compute A first",
            fn=lambda dA, Z: _jtv(dA, Z)),
]


def softmax_backward(fn):
    """Check fn(dA (N, K), Z (N, K)) -> dZ (N, K): J^T dA per row for A = softmax(Z)."""
    return check("softmax_backward", fn, _softmax_reference, _softmax_cases(), _SOFTMAX_MISTAKES,
                 outputs=("dZ",))

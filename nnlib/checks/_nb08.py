"""Checks for notebook 08's exercises: a head's gradients scaled by its loss weight, and the
gradient the trunk receives from two weighted heads.

Notation as in the notebook: the trunk's output A (N, F) feeds every head; head h is a dense
layer W_h (F, K_h), b_h (K_h,) with delta_h = dL_h/dZ_h (N, K_h) the gradient of its own,
unweighted, mean loss; the training loss is L = w_setosa L_setosa + w_area L_area.
"""
import numpy as np

from ..layers import Dense
from ._core import Case, Mistake, check

__all__ = ["head_gradients", "trunk_gradient"]


def _head_layer(W, A=None):
    """An nnlib Dense layer with weights W (F, K), its forward pass run on A (N, F)."""
    layer = Dense(*np.shape(W), rng=0)
    layer.params["W"][...] = W
    if A is not None:
        layer.forward(np.asarray(A, dtype=np.float64))
    return layer


# -- a head's gradients ------------------------------------------------------------------------

def _head_reference(A, delta, w):
    """nnlib's Dense backward from the weighted delta: A (N, F), delta (N, K) -> dW, db."""
    layer = _head_layer(np.zeros((np.shape(A)[1], np.shape(delta)[1])), A)
    layer.backward_from_dZ(w * np.asarray(delta, dtype=np.float64), input_grad=False)
    return layer.grads["W"].copy(), layer.grads["b"].copy()


def _head_cases():
    # N, F and K all differ (a transpose shows); the notebook's heads have K = 1, one case more.
    rng = np.random.default_rng(808)
    return [Case(np.tanh(rng.standard_normal((n, f))), rng.standard_normal((n, k)), w)
            for n, f, k, w in [(6, 4, 1, 0.3), (5, 8, 3, 2.0), (9, 3, 2, 0.5)]]


# Mistakes in one piece come before mistakes in both: a diagnosis is matched on the pieces
# the learner got wrong, so the narrower one must be tried first.
_HEAD_MISTAKES = [
    Mistake("the loss weight is on dW only: db = w * (the sum of delta's rows) needs it too",
            fn=lambda A, delta, w: (w * A.T @ delta, delta.sum(axis=0))),
    Mistake("the loss weight is missing: the head's loss enters L as w * L_h, so both dW and db "
            "carry the factor w",
            fn=lambda A, delta, w: (A.T @ delta, delta.sum(axis=0))),
    Mistake("the loss weight is applied twice (w**2): multiply by w once",
            fn=lambda A, delta, w: (w * w * A.T @ delta, w * w * delta.sum(axis=0))),
    Mistake("dW is transposed: it must have W's shape (F, K), one row per trunk feature: "
            "w * A.T @ delta",
            fn=lambda A, delta, w: ((w * delta.T @ A), w * delta.sum(axis=0))),
    Mistake("divided by N: delta already holds the 1/N of the mean loss, so sum over the rows "
            "(A.T @ delta sums, delta.sum(axis=0) sums) and do not average again",
            fn=lambda A, delta, w: (w * A.T @ delta / len(A), w * delta.mean(axis=0))),
    Mistake("db is summed over the wrong axis: sum over the samples (axis=0) to get one number "
            "per unit, shape (K,)",
            fn=lambda A, delta, w: (w * A.T @ delta, w * delta.sum(axis=1))),
    Mistake("db is not summed: the bias is shared by all N samples, so db = w * delta.sum(axis=0)",
            fn=lambda A, delta, w: (w * A.T @ delta, w * delta)),
]


def head_gradients(fn):
    """Check your head's gradients: fn(A (N, F), delta (N, K), w) -> (dW (F, K), db (K,))."""
    return check("head_gradients", fn, _head_reference, _head_cases(), _HEAD_MISTAKES,
                 outputs=("dW", "db"))


# -- the trunk's gradient ----------------------------------------------------------------------

def _trunk_reference(delta_setosa, W_setosa, delta_area, W_area, w_setosa, w_area):
    """What MultiTask sends the trunk: the sum over heads of nnlib's Dense input gradient
    from the weighted delta; deltas (N, K_h), W_h (F, K_h) -> dA (N, F)."""
    dA = 0.0
    for delta, W, w in [(delta_setosa, W_setosa, w_setosa), (delta_area, W_area, w_area)]:
        # The input gradient does not depend on the input A; the layer needs one cached all
        # the same (for dW), so zeros will do.
        layer = _head_layer(W, np.zeros((len(delta), np.shape(W)[0])))
        dA = dA + layer.backward_from_dZ(w * np.asarray(delta, dtype=np.float64))
    return dA


def _trunk_cases():
    # The notebook's shapes (one unit per head) first, then heads of several units; N != F.
    rng = np.random.default_rng(818)
    cases = []
    for n, f, k1, k2, w1, w2 in [(5, 3, 1, 1, 0.3, 2.0), (6, 4, 3, 1, 1.5, 0.25),
                                 (4, 7, 2, 2, 0.7, 0.4)]:
        cases.append(Case(rng.standard_normal((n, k1)), rng.standard_normal((f, k1)),
                          rng.standard_normal((n, k2)), rng.standard_normal((f, k2)), w1, w2))
    return cases


def _trunk_variant(weight=lambda w: w, setosa=True, area=True, swap=False, scale=1.0,
                   transpose=False):
    """The trunk gradient with one classic change (the default arguments give the right one)."""
    def trunk(delta_setosa, W_setosa, delta_area, W_area, w_setosa, w_area):
        w1, w2 = (w_area, w_setosa) if swap else (w_setosa, w_area)
        dA = scale * (setosa * weight(w1) * delta_setosa @ W_setosa.T
                      + area * weight(w2) * delta_area @ W_area.T)
        return dA.T if transpose else dA
    return trunk


_TRUNK_MISTAKES = [
    Mistake("the loss weights are missing: the heads' gradients are summed as they are; "
            "multiply each head's delta @ W.T by its weight w_h first",
            fn=_trunk_variant(weight=lambda w: 1.0)),
    Mistake("the loss weights are applied twice (w**2): multiply by each weight once",
            fn=_trunk_variant(weight=lambda w: w * w)),
    Mistake("only the setosa head's gradient: the area head reads A too, so add "
            "w_area * delta_area @ W_area.T",
            fn=_trunk_variant(area=False)),
    Mistake("only the area head's gradient: the setosa head reads A too, so add "
            "w_setosa * delta_setosa @ W_setosa.T",
            fn=_trunk_variant(setosa=False)),
    Mistake("the weights are swapped: w_setosa goes with the setosa head's delta, w_area with "
            "the area head's",
            fn=_trunk_variant(swap=True)),
    Mistake("the heads' gradients are averaged, not summed: A feeds both heads, so dL/dA is "
            "their (weighted) sum; do not divide by 2",
            fn=_trunk_variant(scale=0.5)),
    Mistake("the result is transposed: dL/dA has A's shape (N, F), one row per sample; "
            "compute delta @ W.T, not W @ delta.T",
            fn=_trunk_variant(transpose=True)),
]


def trunk_gradient(fn):
    """Check your trunk gradient: fn(delta_setosa (N, K1), W_setosa (F, K1), delta_area (N, K2),
    W_area (F, K2), w_setosa, w_area) -> dA (N, F)."""
    return check("trunk_gradient", fn, _trunk_reference, _trunk_cases(), _TRUNK_MISTAKES,
                 outputs=("dA",))

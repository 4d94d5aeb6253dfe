"""Checks for notebook 09's exercises: one sigmoid layer's backward pass in rows, the accuracy
the original demo's stub never computed, and a decision map over a grid.
"""
import numpy as np

from ..activations import get_activation, sigmoid
from ..layers import Dense
from ..metrics import accuracy, output_to_labels
from ._core import Case, Mistake, check

__all__ = ["row_backward", "accuracy_from_probabilities", "decision_grid"]


# -- one layer's backward pass, in rows --------------------------------------------------------

def _row_backward_reference(delta, W, A_prev):
    """nnlib's Dense backward from delta, then back through the sigmoid that made A_prev:
    delta (N, M), W (D, M), A_prev (N, D) -> dW (D, M), db (M,), delta_prev (N, D)."""
    A_prev = np.asarray(A_prev, dtype=np.float64)
    layer = Dense(*np.shape(W), activation="sigmoid", rng=0)
    layer.params["W"][...] = W
    layer.forward(A_prev)
    dA_prev = layer.backward_from_dZ(np.asarray(delta, dtype=np.float64))
    # The sigmoid's input, for the full signature. At the first layer A_prev is the network's
    # input, not a sigmoid's output (the notebook does not use that delta_prev): no warning then.
    with np.errstate(invalid="ignore", divide="ignore"):
        Z_prev = np.log(A_prev) - np.log1p(-A_prev)
    delta_prev = get_activation("sigmoid").backward(dA_prev, Z_prev, A_prev)
    return layer.grads["W"].copy(), layer.grads["b"].copy(), delta_prev


def _row_backward_cases():
    # N, D and M all differ, so a transposed dW or a sum over the wrong axis changes the shape;
    # A_prev comes from sigmoids of inputs up to |z| ~ 10, saturated ones included.
    rng = np.random.default_rng(909)
    cases = []
    for n, d, m in [(5, 4, 3), (3, 6, 2), (8, 3, 5)]:
        A_prev = 1 / (1 + np.exp(-4 * rng.standard_normal((n, d))))
        cases.append(Case(rng.standard_normal((n, m)) / n, rng.standard_normal((d, m)), A_prev))
    return cases


def _row_variant(dW=lambda A, d: A.T @ d, db=lambda d: d.sum(axis=0),
                 slope=lambda A: A * (1 - A)):
    """The row-form backward with one classic change (the defaults give the right one)."""
    return lambda delta, W, A_prev: (dW(A_prev, delta), db(delta),
                                     (delta @ W.T) * slope(A_prev))


_ROW_MISTAKES = [
    Mistake("dW is in the column form (delta.T @ A_prev, shape (M, D)): in rows, with W of shape "
            "(D, M), dW = A_prev.T @ delta",
            fn=_row_variant(dW=lambda A, d: d.T @ A)),
    Mistake("dW is divided by N: delta already holds the loss's 1/N, so A_prev.T @ delta (a sum "
            "over the rows) is the whole gradient",
            fn=_row_variant(dW=lambda A, d: A.T @ d / len(d))),
    Mistake("db is summed over the wrong axis: sum delta over the samples, axis=0, one number "
            "per unit (shape (M,))",
            fn=_row_variant(db=lambda d: d.sum(axis=1))),
    Mistake("db is averaged (delta.mean(axis=0)): delta already holds the 1/N, so sum its rows",
            fn=_row_variant(db=lambda d: d.mean(axis=0))),
    Mistake("db is delta itself: the bias is shared by the N samples, so sum delta's rows "
            "(axis=0)",
            fn=_row_variant(db=lambda d: d)),
    Mistake("the sigmoid's derivative is missing: delta_prev = (delta @ W.T) * A_prev * "
            "(1 - A_prev)",
            fn=_row_variant(slope=lambda A: np.ones_like(A))),
    Mistake("the derivative treats A_prev as the sigmoid's input (sigmoid applied again): "
            "A_prev is already sigmoid(Z), so the slope is A_prev * (1 - A_prev)",
            fn=_row_variant(slope=lambda A: sigmoid(A) * (1 - sigmoid(A)))),
    Mistake("the derivative has the wrong sign: the sigmoid's slope is A_prev * (1 - A_prev), "
            "positive",
            fn=_row_variant(slope=lambda A: A * (A - 1))),
    Mistake("that is tanh's derivative (1 - A_prev**2); the sigmoid's is A_prev * (1 - A_prev)",
            fn=_row_variant(slope=lambda A: 1 - A * A)),
]


def row_backward(fn):
    """Check your backward step in rows: fn(delta (N, M), W (D, M), A_prev (N, D)) ->
    (dW (D, M), db (M,), delta_prev (N, D)), with a sigmoid layer below."""
    return check("row_backward", fn, _row_backward_reference, _row_backward_cases(),
                 _ROW_MISTAKES, outputs=("dW", "db", "delta_prev"))


# -- accuracy from a sigmoid output ------------------------------------------------------------

def _accuracy_reference(y, p):
    """nnlib's accuracy of the labels p >= 0.5: y (N,), p (N, 1) -> a fraction in [0, 1]."""
    return accuracy(y, output_to_labels(np.asarray(p, dtype=np.float64)))


def _accuracy_cases():
    # Probabilities that lean towards the true label, with mistakes, so that the accuracy is
    # neither 0 nor 1 and every classic mistake gives a different number.
    rng = np.random.default_rng(919)
    cases = []
    for n in (10, 17, 25):
        y = rng.integers(0, 2, n)
        y[:2] = [0, 1]  # both classes in every case
        p = np.clip(0.5 + (y - 0.5) * 0.6 + 0.35 * rng.standard_normal(n), 0.01, 0.99)
        cases.append(Case(y, p[:, None]))
    return cases


_ACCURACY_MISTAKES = [
    Mistake("p has shape (N, 1) and y (N,): comparing them broadcasts to an (N, N) table; take "
            "the column first, p[:, 0] (or p.ravel())",
            fn=lambda y, p: np.mean((p >= 0.5) == y)),
    Mistake("that is the number of correct answers, not the fraction: divide by N",
            fn=lambda y, p: np.sum((p[:, 0] >= 0.5) == y)),
    Mistake("the probabilities are compared with the labels as they are: threshold first, "
            "label 1 where p >= 0.5",
            fn=lambda y, p: np.mean(p[:, 0] == y)),
    Mistake("that is 1 - accuracy: either the threshold is the wrong way round (label 1 where "
            "p >= 0.5) or it counts the errors instead of the correct answers",
            fn=lambda y, p: np.mean((p[:, 0] < 0.5) == y)),
    Mistake("argmax over a single column is always 0: with one sigmoid unit, the label is 1 "
            "where p >= 0.5",
            fn=lambda y, p: np.mean(np.argmax(p, axis=1) == y)),
]


def accuracy_from_probabilities(fn):
    """Check your accuracy: fn(y (N,) of 0/1 labels, p (N, 1) sigmoid outputs) -> a fraction."""
    return check("accuracy_from_probabilities", fn, _accuracy_reference, _accuracy_cases(),
                 _ACCURACY_MISTAKES, outputs=("accuracy",))


# -- a decision map over a grid ----------------------------------------------------------------

def _grid(predict, xlim, ylim, resolution, n=lambda r: r, endpoint=True, ij=False,
          yx_points=False, ylim_from_x=False, labels=output_to_labels):
    """The decision grid, or one of its classic mistakes (the defaults give the right one):
    xs (R,), ys (R,), labels (R, R) with labels[i, j] the class at (xs[j], ys[i])."""
    xs = np.linspace(*xlim, n(resolution), endpoint=endpoint)
    ys = np.linspace(*(xlim if ylim_from_x else ylim), n(resolution), endpoint=endpoint)
    XX, YY = np.meshgrid(xs, ys, indexing="ij" if ij else "xy")
    columns = [YY.ravel(), XX.ravel()] if yx_points else [XX.ravel(), YY.ravel()]
    p = np.asarray(predict(np.column_stack(columns)), dtype=np.float64).reshape(-1, 1)
    return xs, ys, labels(p).reshape(XX.shape)


def _decision_reference(predict, xlim, ylim, resolution):
    """predict (P, 2) -> (P, 1) probabilities; returns xs (R,), ys (R,), labels (R, R)."""
    return _grid(predict, xlim, ylim, resolution)


def _network(seed, xlim, ylim):
    """A small fixed tanh network's probability, not symmetric in x and y: (P, 2) -> (P, 1).

    Its logit is shifted by its mean over the box, so that both classes cover a good part of it.
    """
    rng = np.random.default_rng(seed)
    W1, b1 = 1.5 * rng.standard_normal((2, 6)), rng.standard_normal(6)
    w2 = 2.0 * rng.standard_normal((6, 1))
    box = rng.uniform([xlim[0], ylim[0]], [xlim[1], ylim[1]], (500, 2))
    shift = np.mean(np.tanh(box @ W1 + b1) @ w2)
    return lambda P: 1 / (1 + np.exp(-(np.tanh(P @ W1 + b1) @ w2 - shift)))


def _decision_cases():
    # Different x and y ranges, so that swapped axes show; resolutions that differ per case.
    return [Case(_network(seed, xlim, ylim), xlim, ylim, resolution)
            for seed, xlim, ylim, resolution in [(929, (0.0, 4.0), (-1.0, 2.0), 9),
                                                 (939, (-2.0, 1.0), (0.5, 3.0), 14),
                                                 (949, (0.0, 4.0), (0.0, 4.0), 6)]]


def _grid_mistake(**change):
    return lambda predict, xlim, ylim, resolution: _grid(predict, xlim, ylim, resolution,
                                                         **change)


_DECISION_MISTAKES = [
    Mistake("rows and columns are swapped: row i must hold y = ys[i] and column j x = xs[j], as "
            "np.meshgrid(xs, ys) lays them out (indexing='ij' transposes the grid)",
            fn=_grid_mistake(ij=True)),
    Mistake("the points go to predict as (y, x): each row of the points must be (x, y), x in "
            "column 0",
            fn=_grid_mistake(yx_points=True)),
    Mistake("the grid misses its end points (endpoint=False or np.arange): "
            "np.linspace(x0, x1, resolution) includes both ends",
            fn=_grid_mistake(endpoint=False)),
    Mistake("the grid has resolution + 1 points per side: it must have exactly resolution, "
            "np.linspace(x0, x1, resolution)",
            fn=_grid_mistake(n=lambda r: r + 1)),
    Mistake("ylim is not used: ys must run over ylim, np.linspace(y0, y1, resolution)",
            fn=_grid_mistake(ylim_from_x=True)),
    Mistake("the threshold is the wrong way round: the label is 1 where p >= 0.5",
            fn=_grid_mistake(labels=lambda p: (p[:, 0] < 0.5).astype(int))),
    Mistake("the labels are the probabilities themselves: a decision map shows the class, 1 "
            "where p >= 0.5",
            fn=_grid_mistake(labels=lambda p: p[:, 0])),
    Mistake("argmax over a single column is always 0: with one sigmoid unit, the label is 1 "
            "where p >= 0.5",
            fn=_grid_mistake(labels=lambda p: np.argmax(p, axis=1))),
]


def decision_grid(fn):
    """Check your decision grid: fn(predict, xlim, ylim, resolution) -> (xs (R,), ys (R,),
    labels (R, R)), labels[i, j] the class at (xs[j], ys[i]); predict maps (P, 2) to (P, 1)."""
    return check("decision_grid", fn, _decision_reference, _decision_cases(),
                 _DECISION_MISTAKES, outputs=("xs", "ys", "labels"))

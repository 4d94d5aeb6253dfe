"""Checks for notebook 06's exercises: the cross-entropy of softmax scores, its fused gradient,
and a confusion matrix."""
import numpy as np

from ..activations import softmax as _softmax
from ..losses import CrossEntropy
from ..metrics import confusion_matrix as _confusion_reference
from ._core import Case, Mistake, check

__all__ = ["cross_entropy_from_logits", "softmax_ce_delta", "confusion_matrix"]

_CE = CrossEntropy()


def _one_hot(labels, k):
    Y = np.zeros((len(labels), k))
    Y[np.arange(len(labels)), labels] = 1.0
    return Y


def _score_cases():
    """(Z (N, K), Y (N, K)) cases: ordinary scores of several shapes, then the two extremes.

    OVERFLOW: scores near 1000 in every row, where exp(z) overflows unless the row's maximum is
    subtracted first. UNDERFLOW: the true class 800 below the best one, where its probability
    rounds to 0, so -log(probability) is inf although the loss is a finite 800.
    """
    rng = np.random.default_rng(606)
    cases = []
    for n, k in [(5, 3), (8, 4), (3, 6), (12, 2)]:
        cases.append(Case(2.0 * rng.standard_normal((n, k)), _one_hot(rng.integers(0, k, n), k)))
    cases.append(Case(1000.0 + rng.standard_normal((4, 3)), _one_hot([0, 2, 1, 1], 3)))
    Z = np.array([[0.0, -800.0, -5.0], [3.0, 1.0, -2.0], [-790.0, 0.0, 10.0]])
    cases.append(Case(Z, _one_hot([1, 0, 0], 3)))
    return cases


_OVERFLOW, _UNDERFLOW = 4, 5  # positions of the extreme cases in _score_cases()


def _value_reference(Z, Y):
    return _CE.value_from_logits(Z, Y)


def _delta_reference(Z, Y):
    return _CE.delta(_softmax(Z), Y)


def _ordinary_cases_right(got, cases, reference):
    """True if the learner's output is right on the ordinary cases (those before the extremes)."""
    for pieces, case in zip(got[:_OVERFLOW], cases[:_OVERFLOW]):
        right = reference(*case.args)
        if np.shape(pieces[0]) != np.shape(right) or not np.allclose(pieces[0], right,
                                                                     rtol=1e-6, atol=1e-12):
            return False
    return True


def _fine_except(where, reference):
    """A test: the learner's output is non-finite on case ``where`` and right on the ordinary
    cases."""
    def test(got, cases):
        return (not np.all(np.isfinite(got[where][0]))
                and _ordinary_cases_right(got, cases, reference))
    return test


def _capped_at_underflow(got, cases):
    """A test: the learner's loss is finite everywhere, right on the ordinary cases and too small
    where the true class's probability underflows, the mark of clipped probabilities."""
    value = got[_UNDERFLOW][0]
    return (np.shape(value) == () and np.isfinite(value)
            and value < 0.9 * _value_reference(*cases[_UNDERFLOW].args)
            and _ordinary_cases_right(got, cases, _value_reference))


# -- the loss from the scores ---------------------------------------------------------------

def _log_probabilities(Z):
    """log softmax(Z) by the stable log-sum-exp, row by row."""
    Zm = Z - Z.max(axis=1, keepdims=True)
    return Zm - np.log(np.exp(Zm).sum(axis=1, keepdims=True))


# Each mistake below is written with the learner's signature (Z, Y).
def _value_summed(Z, Y):
    return -np.sum(Y * _log_probabilities(Z))


def _value_negated(Z, Y):
    return np.sum(Y * _log_probabilities(Z)) / len(Z)


def _value_over_all_entries(Z, Y):
    return -np.mean(Y * _log_probabilities(Z))


def _value_per_sample(Z, Y):
    return -np.sum(Y * _log_probabilities(Z), axis=1)


_VALUE_MISTAKES = [
    Mistake("overflow at large scores: exp(1000) is inf in float64, so the sum of "
            "exponentials is inf and the loss inf or NaN; subtract each row's maximum from Z "
            "first (it cancels in log-sum-exp minus z_true)",
            test=_fine_except(_OVERFLOW, _value_reference)),
    Mistake("-log of a probability that rounded to 0 gives inf: when the true class's score is "
            "far below the best one, softmax gives exactly 0; compute -log softmax(z)_true as "
            "logsumexp(z) - z_true instead of taking the log of a probability",
            test=_fine_except(_UNDERFLOW, _value_reference)),
    Mistake("clipping the probabilities keeps the log finite but wrong: where the true class's "
            "probability underflows to 0, -log(clipped) caps the loss (at 36.04 for a clip at "
            "eps = 2.2e-16) far below the true value; use logsumexp(z) - z_true",
            test=_capped_at_underflow),
    Mistake("summed over the batch instead of averaged: the result is N times too large; "
            "divide by N", fn=_value_summed),
    Mistake("wrong sign: a cross-entropy is >= 0; L = -mean over samples of sum_k Y log "
            "softmax(Z)", fn=_value_negated),
    Mistake("one loss per sample: the result should be one number, the mean of the N "
            "per-sample losses", fn=_value_per_sample),
    Mistake("averaged over all N * K entries: the loss is a mean over the N samples of a sum "
            "over the K classes; divide by N, not by Y.size", fn=_value_over_all_entries),
]


def cross_entropy_from_logits(fn):
    """Check your cross-entropy from the scores: fn(Z (N, K), Y (N, K) one-hot) -> L, a float,
    the mean over the N samples of -log softmax(Z)[true class]."""
    return check("cross_entropy_from_logits", fn, _value_reference, _score_cases(),
                 _VALUE_MISTAKES)


# -- the fused gradient ---------------------------------------------------------------------

# Each mistake below is written with the learner's signature (Z, Y).
def _delta_not_averaged(Z, Y):
    return _softmax(Z) - Y


def _delta_negated(Z, Y):
    return (Y - _softmax(Z)) / len(Z)


def _delta_over_all_entries(Z, Y):
    return (_softmax(Z) - Y) / Y.size


def _delta_without_softmax(Z, Y):
    return (Z - Y) / len(Z)


def _delta_softmax_over_columns(Z, Y):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return (E / E.sum(axis=0, keepdims=True) - Y) / len(Z)


_DELTA_MISTAKES = [
    Mistake("overflow at large scores: exp(1000) is inf in float64 and inf / inf is NaN; "
            "subtract each row's maximum from Z before exp (softmax does not change)",
            test=_fine_except(_OVERFLOW, _delta_reference)),
    Mistake("not divided by N: the loss is a mean over the batch, so its gradient is "
            "(softmax(Z) - Y) / N", fn=_delta_not_averaged),
    Mistake("wrong sign: (Y - y_hat) / N points uphill; dL/dZ = (y_hat - Y) / N",
            fn=_delta_negated),
    Mistake("divided by N * K: the loss averages over the N samples only (it sums over the "
            "classes), so divide by N = len(Z)", fn=_delta_over_all_entries),
    Mistake("the softmax is missing: y_hat - Y needs the probabilities y_hat = softmax(Z), "
            "not the scores Z", fn=_delta_without_softmax),
    Mistake("softmax over the wrong axis: each row (sample) must sum to 1, so take the max "
            "and the sum along axis=1, keepdims=True", fn=_delta_softmax_over_columns),
]


def softmax_ce_delta(fn):
    """Check your fused gradient: fn(Z (N, K), Y (N, K) one-hot) -> dL/dZ (N, K) of
    L = cross-entropy(softmax(Z), Y), a mean over the N samples."""
    return check("softmax_ce_delta", fn, _delta_reference, _score_cases(), _DELTA_MISTAKES)


# -- the confusion matrix -------------------------------------------------------------------

def _confusion_cases():
    """(y_true (N,), y_pred (N,), n_classes) cases; in two of them a class never occurs, so a
    matrix sized from the labels seen comes out too small."""
    rng = np.random.default_rng(6060)
    cases = []
    for n, k, absent in [(20, 4, None), (30, 5, 2), (15, 3, None), (25, 6, 5)]:
        classes = np.array([c for c in range(k) if c != absent])
        y_true = rng.choice(classes, n)
        # Mostly right, with some mistakes, so that C is not symmetric.
        y_pred = np.where(rng.random(n) < 0.7, y_true, rng.choice(classes, n))
        cases.append(Case(y_true, y_pred, k))
    return cases


# Each mistake below is written with the learner's signature (y_true, y_pred, n_classes).
def _transposed(y_true, y_pred, n_classes):
    return _confusion_reference(y_pred, y_true, n_classes)


def _sized_from_labels(y_true, y_pred, n_classes):
    return _confusion_reference(y_true, y_pred)


def _counted_from_one(y_true, y_pred, n_classes):
    C = np.zeros((n_classes, n_classes))
    np.add.at(C, (y_true - 1, y_pred - 1), 1)  # label 0 wraps round to the last row
    return C


def _pairs_counted_once(y_true, y_pred, n_classes):
    C = np.zeros((n_classes, n_classes))
    C[y_true, y_pred] += 1
    return C


def _one_too_many(got, cases):
    return any(g[0].shape == (c.args[2] + 1,) * 2 for g, c in zip(got, cases))


def _too_small(got, cases):
    return any(g[0].ndim == 2 and g[0].shape[0] < c.args[2] for g, c in zip(got, cases))


def _fractions(got, cases):
    return any(g[0].shape == (c.args[2],) * 2 and not np.all(g[0] == np.round(g[0]))
               for g, c in zip(got, cases))


_CONFUSION_MISTAKES = [
    Mistake("transposed: the rows are the predicted classes; C[i, j] counts samples of true "
            "class i predicted as j, so rows follow y_true", fn=_transposed),
    Mistake("each (true, predicted) pair is counted at most once: C[y_true, y_pred] += 1 "
            "does not add twice for a repeated pair; loop over the samples, or use "
            "np.add.at(C, (y_true, y_pred), 1)", fn=_pairs_counted_once),
    Mistake("the labels are taken as counting from 1: classes are 0 .. n_classes - 1, so "
            "class c is row c (and class 0 is row 0, not the last row)", fn=_counted_from_one),
    Mistake("sized from the labels that occur: a class that never occurs in this sample "
            "still needs its row and column; make C n_classes x n_classes",
            fn=_sized_from_labels),
    Mistake("one row and one column too many: with labels 0 .. n_classes - 1, C is "
            "n_classes x n_classes", test=_one_too_many),
    Mistake("too small: a class missing from y_true and y_pred still needs its row and "
            "column; make C n_classes x n_classes", test=_too_small),
    Mistake("the entries are fractions: C counts samples (whole numbers); divide by the row "
            "sums only when you want rates", test=_fractions),
]


def confusion_matrix(fn):
    """Check your confusion matrix: fn(y_true (N,), y_pred (N,), n_classes) -> C
    (n_classes, n_classes), C[i, j] = number of samples of class i predicted as j."""
    return check("confusion_matrix", fn, _confusion_reference, _confusion_cases(),
                 _CONFUSION_MISTAKES)

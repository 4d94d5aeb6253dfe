"""Notebook 06's checks: each classic mistake, written as a learner would, gets its diagnosis."""
import numpy as np
import pytest

import nnlib
from nnlib import checks


def verdict(check, fn, capsys):
    """Run a check; return what it handed back and the one line it printed."""
    returned = check(fn)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    return returned, lines[0]


def assert_diagnosis(check, fn, capsys, *phrases):
    returned, line = verdict(check, fn, capsys)
    assert line.startswith("✗ "), line
    for phrase in phrases:
        assert phrase in line, line
    assert returned is not fn


def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


# -- cross_entropy_from_logits --------------------------------------------------------------

def cross_entropy(Z, Y):
    Zm = Z - Z.max(axis=1, keepdims=True)
    log_p = Zm - np.log(np.sum(np.exp(Zm), axis=1, keepdims=True))
    return -np.sum(Y * log_p) / len(Z)


def test_value_correct(capsys):
    returned, line = verdict(checks.cross_entropy_from_logits, cross_entropy, capsys)
    assert line.startswith("✓ cross_entropy_from_logits:"), line
    assert returned is cross_entropy


def test_value_stub_gets_nnlib_version(capsys):
    def stub(Z, Y):
        raise NotImplementedError

    returned, line = verdict(checks.cross_entropy_from_logits, stub, capsys)
    assert line.startswith("… cross_entropy_from_logits: not written yet"), line
    Z, Y = np.array([[800.0, 0.0, -800.0]]), np.array([[0.0, 1.0, 0.0]])
    assert returned(Z, Y) == 800.0


def value_no_max(Z, Y):
    log_sum = np.log(np.exp(Z).sum(axis=1))
    true_score = np.sum(Y * Z, axis=1)
    return np.mean(log_sum - true_score)


def value_log_of_softmax(Z, Y):
    P = softmax(Z)
    return -np.mean(np.sum(Y * np.log(P), axis=1))


def value_clipped(Z, Y):
    P = np.clip(softmax(Z), 1e-15, 1.0)  # a tolerance of the learner's own choosing
    return -np.mean(np.sum(Y * np.log(P), axis=1))


def value_clipped_eps(Z, Y):
    P = np.clip(softmax(Z), np.finfo(float).eps, 1.0)
    return -np.sum(Y * np.log(P)) / len(Z)


def value_summed(Z, Y):
    Zm = Z - Z.max(axis=1, keepdims=True)
    return np.sum(np.log(np.exp(Zm).sum(axis=1)) - np.sum(Y * Zm, axis=1))


def value_positive_log(Z, Y):
    return cross_entropy(Z, Y) * -1


def value_per_sample(Z, Y):
    Zm = Z - Z.max(axis=1, keepdims=True)
    return np.log(np.exp(Zm).sum(axis=1)) - np.sum(Y * Zm, axis=1)


def value_mean_everywhere(Z, Y):
    Zm = Z - Z.max(axis=1, keepdims=True)
    return -np.mean(Y * (Zm - np.log(np.exp(Zm).sum(axis=1, keepdims=True))))


@pytest.mark.parametrize("fn, phrase", [
    (value_no_max, "overflow at large scores"),
    (value_log_of_softmax, "-log of a probability that rounded to 0"),
    (value_clipped_eps, "clipping the probabilities"),
    (value_clipped, "clipping the probabilities"),
    (value_summed, "summed over the batch instead of averaged"),
    (value_positive_log, "wrong sign"),
    (value_per_sample, "one loss per sample"),
    (value_mean_everywhere, "averaged over all N * K entries"),
])
def test_value_mistakes(fn, phrase, capsys):
    assert_diagnosis(checks.cross_entropy_from_logits, fn, capsys, phrase)


def test_value_unknown_mistake_is_generic(capsys):
    def log_base_two(Z, Y):
        Zm = Z - Z.max(axis=1, keepdims=True)
        return np.mean(np.log2(np.exp(Zm).sum(axis=1)) - np.sum(Y * Zm, axis=1) / np.log(2))

    assert_diagnosis(checks.cross_entropy_from_logits, log_base_two, capsys,
                     "none of the classic mistakes")


# -- softmax_ce_delta -----------------------------------------------------------------------

def delta(Z, Y):
    return (softmax(Z) - Y) / len(Z)


def test_delta_correct(capsys):
    returned, line = verdict(checks.softmax_ce_delta, delta, capsys)
    assert line.startswith("✓ softmax_ce_delta:"), line
    assert returned is delta


def test_delta_stub_gets_nnlib_version(capsys, rng):
    def stub(Z, Y):
        raise NotImplementedError

    returned, line = verdict(checks.softmax_ce_delta, stub, capsys)
    assert line.startswith("… softmax_ce_delta: not written yet"), line
    Z, Y = rng.standard_normal((4, 3)), np.eye(3)[[0, 2, 1, 1]]
    np.testing.assert_allclose(returned(Z, Y), delta(Z, Y), rtol=1e-14)


def delta_no_max(Z, Y):
    E = np.exp(Z)
    return (E / E.sum(axis=1, keepdims=True) - Y) / Z.shape[0]


def delta_not_divided(Z, Y):
    return softmax(Z) - Y


def delta_y_minus_y_hat(Z, Y):
    return (Y - softmax(Z)) / len(Z)


def delta_by_size(Z, Y):
    return (softmax(Z) - Y) / Z.size


def delta_scores(Z, Y):
    return (Z - Y) / len(Z)


def delta_columns(Z, Y):
    E = np.exp(Z - np.max(Z, axis=0))
    return (E / np.sum(E, axis=0) - Y) / len(Z)


@pytest.mark.parametrize("fn, phrase", [
    (delta_no_max, "overflow at large scores"),
    (delta_not_divided, "not divided by N"),
    (delta_y_minus_y_hat, "wrong sign"),
    (delta_by_size, "divided by N * K"),
    (delta_scores, "the softmax is missing"),
    (delta_columns, "softmax over the wrong axis"),
])
def test_delta_mistakes(fn, phrase, capsys):
    assert_diagnosis(checks.softmax_ce_delta, fn, capsys, phrase)


def test_delta_in_place_is_named(capsys):
    def shifts_Z(Z, Y):
        Z -= Z.max(axis=1, keepdims=True)
        E = np.exp(Z)
        return (E / E.sum(axis=1, keepdims=True) - Y) / len(Z)

    assert_diagnosis(checks.softmax_ce_delta, shifts_Z, capsys, "changed the caller's array `Z`")


def test_delta_unknown_mistake_is_generic(capsys):
    def squared(Z, Y):
        return 2 * (softmax(Z) - Y) ** 2 / len(Z)

    assert_diagnosis(checks.softmax_ce_delta, squared, capsys, "none of the classic mistakes")


def test_overflow_diagnosis_needs_the_ordinary_cases_right(capsys):
    # Overflowing AND not divided by N is two mistakes: the check must not name only one.
    def two_mistakes(Z, Y):
        E = np.exp(Z)
        return E / E.sum(axis=1, keepdims=True) - Y

    returned, line = verdict(checks.softmax_ce_delta, two_mistakes, capsys)
    assert line.startswith("✗ ") and "overflow" not in line, line


# -- confusion_matrix -----------------------------------------------------------------------

def confusion(y_true, y_pred, n_classes):
    C = np.zeros((n_classes, n_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        C[t, p] += 1
    return C


def test_confusion_correct(capsys):
    returned, line = verdict(checks.confusion_matrix, confusion, capsys)
    assert line.startswith("✓ confusion_matrix:"), line
    assert returned is confusion


def test_confusion_stub_gets_nnlib_version(capsys):
    def stub(y_true, y_pred, n_classes):
        raise NotImplementedError

    returned, line = verdict(checks.confusion_matrix, stub, capsys)
    assert line.startswith("… confusion_matrix: not written yet"), line
    assert returned is nnlib.confusion_matrix


def rows_predicted(y_true, y_pred, n_classes):
    C = np.zeros((n_classes, n_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        C[p, t] += 1
    return C


def fancy_index(y_true, y_pred, n_classes):
    C = np.zeros((n_classes, n_classes), dtype=int)
    C[y_true, y_pred] += 1
    return C


def from_one(y_true, y_pred, n_classes):
    C = np.zeros((n_classes, n_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        C[t - 1, p - 1] += 1
    return C


def size_from_max(y_true, y_pred, n_classes):
    k = max(y_true.max(), y_pred.max()) + 1
    C = np.zeros((k, k), dtype=int)
    for t, p in zip(y_true, y_pred):
        C[t, p] += 1
    return C


def one_extra(y_true, y_pred, n_classes):
    C = np.zeros((n_classes + 1, n_classes + 1), dtype=int)
    for t, p in zip(y_true, y_pred):
        C[t, p] += 1
    return C


def labels_seen(y_true, y_pred, n_classes):
    labels = list(np.unique(np.concatenate([y_true, y_pred])))
    C = np.zeros((len(labels), len(labels)), dtype=int)
    for t, p in zip(y_true, y_pred):
        C[labels.index(t), labels.index(p)] += 1
    return C


def rates(y_true, y_pred, n_classes):
    C = confusion(y_true, y_pred, n_classes)
    return C / len(y_true)


@pytest.mark.parametrize("fn, phrase", [
    (rows_predicted, "transposed"),
    (fancy_index, "counted at most once"),
    (from_one, "counting from 1"),
    (size_from_max, "sized from the labels that occur"),
    (one_extra, "one row and one column too many"),
    (labels_seen, "too small"),
    (rates, "the entries are fractions"),
])
def test_confusion_mistakes(fn, phrase, capsys):
    assert_diagnosis(checks.confusion_matrix, fn, capsys, phrase)


def test_confusion_unknown_mistake_is_generic(capsys):
    def diagonal_only(y_true, y_pred, n_classes):
        C = np.zeros((n_classes, n_classes), dtype=int)
        for t, p in zip(y_true, y_pred):
            if t == p:
                C[t, p] += 1
        return C

    assert_diagnosis(checks.confusion_matrix, diagonal_only, capsys,
                     "none of the classic mistakes")

"""Metrics against scikit-learn on random data, plus their input checks."""
import numpy as np
import pytest
from sklearn import metrics as skm

import nnlib
from nnlib import (accuracy, accuracy_within, confusion_matrix, mean_absolute_error,
                   mean_squared_error, r2_score)


def test_accuracy_matches_sklearn(rng):
    y_true, y_pred = rng.integers(0, 4, 50), rng.integers(0, 4, 50)
    assert accuracy(y_true, y_pred) == pytest.approx(skm.accuracy_score(y_true, y_pred), abs=1e-15)
    assert accuracy(y_true, y_true) == 1.0


def test_accuracy_multilabel_rows_matches_sklearn(rng):
    y_true, y_pred = rng.integers(0, 2, (40, 3)), rng.integers(0, 2, (40, 3))
    y_pred[:10] = y_true[:10]
    assert accuracy(y_true, y_pred) == pytest.approx(skm.accuracy_score(y_true, y_pred), abs=1e-15)


@pytest.mark.parametrize("ours, theirs", [
    (mean_squared_error, skm.mean_squared_error),
    (mean_absolute_error, skm.mean_absolute_error),
    (r2_score, skm.r2_score),
])
@pytest.mark.parametrize("shape", [(30,), (30, 1), (30, 3)])
def test_regression_metrics_match_sklearn(ours, theirs, shape, rng):
    y_true = rng.standard_normal(shape)
    y_pred = y_true + 0.5 * rng.standard_normal(shape)
    assert ours(y_true, y_pred) == pytest.approx(theirs(y_true, y_pred), rel=1e-12)


def test_r2_constant_target_matches_sklearn(rng):
    const = np.full(10, 3.0)
    noisy = rng.standard_normal(10)
    assert r2_score(const, const) == skm.r2_score(const, const) == 1.0
    assert r2_score(const, noisy) == skm.r2_score(const, noisy) == 0.0
    # one constant column among varying ones
    y_true = np.column_stack([rng.standard_normal(10), const])
    y_pred = np.column_stack([noisy, const + 0.1])
    assert r2_score(y_true, y_pred) == pytest.approx(skm.r2_score(y_true, y_pred), rel=1e-12)


def test_r2_of_the_mean_is_zero_and_can_be_negative(rng):
    y = rng.standard_normal(20)
    assert r2_score(y, np.full(20, y.mean())) == pytest.approx(0.0, abs=1e-15)
    assert r2_score(y, -y) < 0


@pytest.mark.parametrize("n_classes", [None, 5])
def test_confusion_matrix_matches_sklearn(n_classes, rng):
    y_true, y_pred = rng.integers(0, 4, 60), rng.integers(0, 4, 60)
    k = 4 if n_classes is None else n_classes
    C = confusion_matrix(y_true, y_pred, n_classes=n_classes)
    np.testing.assert_array_equal(C, skm.confusion_matrix(y_true, y_pred, labels=range(k)))
    assert C.sum() == 60 and C.shape == (k, k)


def test_confusion_matrix_by_hand():
    C = confusion_matrix(np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 0, 2]))
    np.testing.assert_array_equal(C, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])


def test_accuracy_within(rng):
    y_true = rng.standard_normal(100)
    y_pred = y_true + rng.uniform(-1, 1, 100)
    expected = np.mean(np.abs(y_true - y_pred) <= 0.3)
    assert accuracy_within(y_true, y_pred, 0.3) == expected
    assert accuracy_within([1.0, 2.0], [1.5, 2.0], 0.5) == 1.0  # the tolerance is inclusive
    assert accuracy_within([1.0, 2.0], [1.5, 2.0], 0.0) == 0.5


def test_column_and_flat_vectors_agree(rng):
    y_true, y_pred = rng.standard_normal(10), rng.standard_normal(10)
    for fn in (mean_squared_error, mean_absolute_error, r2_score):
        assert fn(y_true[:, None], y_pred) == fn(y_true, y_pred[:, None]) == fn(y_true, y_pred)


def test_metrics_do_not_modify_inputs(rng):
    y_true, y_pred = rng.integers(0, 3, 20), rng.integers(0, 3, 20)
    a, b = y_true.copy(), y_pred.copy()
    for fn in (accuracy, mean_squared_error, mean_absolute_error, r2_score, confusion_matrix):
        fn(y_true, y_pred)
    accuracy_within(y_true, y_pred, 1.0)
    np.testing.assert_array_equal(y_true, a)
    np.testing.assert_array_equal(y_pred, b)


@pytest.mark.parametrize("fn", [accuracy, mean_squared_error, mean_absolute_error, r2_score,
                                confusion_matrix])
def test_mismatched_rows(fn):
    with pytest.raises(ValueError, match=r"y_true and y_pred must have the same number of rows, got 3 and 4"):
        fn(np.zeros(3), np.zeros(4))


@pytest.mark.parametrize("fn", [accuracy, mean_squared_error, mean_absolute_error, r2_score])
def test_mismatched_shapes(fn):
    with pytest.raises(ValueError, match=r"y_true and y_pred must have the same shape, got \(3, 2\) and \(3,\)"):
        fn(np.zeros((3, 2)), np.zeros(3))


@pytest.mark.parametrize("fn", [accuracy, mean_squared_error, mean_absolute_error, r2_score])
def test_non_finite_and_wrong_ndim(fn):
    with pytest.raises(ValueError, match=r"y_pred must hold only finite values"):
        fn(np.zeros(3), np.array([0.0, np.nan, 1.0]))
    with pytest.raises(ValueError, match=r"y_true must be 1-D or 2-D, got a 3-D"):
        fn(np.zeros((3, 1, 1)), np.zeros(3))
    with pytest.raises(TypeError, match=r"y_true must be an array of numbers, got str"):
        fn("abc", np.zeros(3))


def test_r2_needs_two_samples():
    with pytest.raises(ValueError, match=r"r2_score needs at least 2 samples, got 1"):
        r2_score([1.0], [1.0])


def test_accuracy_within_negative_tolerance():
    with pytest.raises(ValueError, match=r"tol must be a finite number >= 0, got -0.1"):
        accuracy_within([1.0], [1.0], -0.1)


def test_confusion_matrix_bad_labels():
    with pytest.raises(ValueError, match=r"y_true must hold non-negative integer labels, got values in \[-1, 1\]"):
        confusion_matrix(np.array([-1, 0, 1]), np.array([0, 0, 1]))
    with pytest.raises(ValueError, match=r"y_pred must hold non-negative integer labels"):
        confusion_matrix(np.array([0, 1]), np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match=r"n_classes must be at least 3 for these labels, got 2"):
        confusion_matrix(np.array([0, 2]), np.array([0, 1]), n_classes=2)
    with pytest.raises(ValueError, match=r"confusion_matrix needs 1-D labels, got shape \(2, 2\)"):
        confusion_matrix(np.zeros((2, 2)), np.zeros((2, 2)))


def test_training_metrics_by_name_use_labels_for_accuracy(rng):
    model = nnlib.mlp([3, 3], "softmax", "softmax", rng=0)
    X, y = rng.standard_normal((20, 3)), rng.integers(0, 3, 20)
    one_hot = np.eye(3)[y]
    expected = skm.accuracy_score(y, model.predict(X).argmax(axis=1))
    assert model.evaluate(X, y, "cross_entropy", ["accuracy"])["accuracy"] == expected
    assert model.evaluate(X, one_hot, "cross_entropy", ["accuracy"])["accuracy"] == expected
    reg = nnlib.mlp([3, 2], rng=0)
    Y = rng.standard_normal((20, 2))
    out = reg.evaluate(X, Y, "mse", ["r2", "mse", "mae"])
    assert out["r2"] == pytest.approx(skm.r2_score(Y, reg.predict(X)), rel=1e-12)
    assert out["mse"] == pytest.approx(out["loss"], rel=1e-12)
    assert out["mae"] == pytest.approx(skm.mean_absolute_error(Y, reg.predict(X)), rel=1e-12)

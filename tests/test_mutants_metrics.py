"""Metrics: promises that a one-token change in nnlib/metrics.py would break unnoticed otherwise.

Each test pins documented behaviour: which inputs are refused and how, warning-free conventions,
and how ``evaluate`` turns targets and outputs into labels.
"""
import warnings

import numpy as np
import pytest

from nnlib import accuracy, mlp, r2_score


@pytest.mark.parametrize("y_pred", [np.float64(0.5), np.zeros((4, 1, 1))])
def test_y_pred_of_wrong_ndim_is_refused_by_name(y_pred):
    with pytest.raises(ValueError, match=r"y_pred must be 1-D or 2-D, got a [03]-D array"):
        accuracy(np.zeros(4), y_pred)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_accuracy_refuses_probabilities_in_either_argument(dtype):
    labels = np.array([0, 1, 1, 0], dtype=dtype)
    probs = np.array([0, 1, 1, 0.25], dtype=dtype)  # one fractional value only
    with pytest.raises(ValueError, match=r"y_pred must hold class labels .* such as 0\.25"):
        accuracy(labels, probs)
    with pytest.raises(ValueError, match=r"y_true must hold class labels .* such as 0\.25"):
        accuracy(probs, labels)


def test_r2_of_a_constant_target_is_silent(no_warnings):
    const = np.array([2.0, 2.0, 2.0])
    assert r2_score(const, const) == 1.0
    assert r2_score(const, np.array([2.0, 2.0, 2.5])) == 0.0
    # a constant column beside a varying one: (1 + 0) / 2
    y = np.column_stack([const, [1.0, 2.0, 3.0]])
    assert r2_score(y, np.column_stack([const, [3.0, 2.0, 1.0]])) == -1.0


def _binary_model():
    return mlp([2, 1], output_activation="sigmoid", rng=0)


def test_evaluate_accuracy_reads_a_label_column_as_labels():
    model, X = _binary_model(), np.random.default_rng(1).standard_normal((20, 2))
    labels = model.predict_labels(X)
    y = labels.reshape(-1, 1).copy()
    y[:5] = 1 - y[:5]  # 5 of 20 wrong
    scores = model.evaluate(X, y, "binary_cross_entropy", ["accuracy"])
    assert scores["accuracy"] == 0.75


def test_evaluate_accuracy_reads_two_column_one_hot_rows_as_labels():
    model = mlp([2, 2], output_activation="softmax", rng=0)
    X = np.random.default_rng(1).standard_normal((20, 2))
    labels = model.predict_labels(X)
    labels[:4] = 1 - labels[:4]  # 4 of 20 wrong
    scores = model.evaluate(X, np.eye(2)[labels], "cross_entropy", ["accuracy"])
    assert scores["accuracy"] == 0.8


def test_evaluate_takes_one_metric_name_as_a_string():
    model, X = _binary_model(), np.random.default_rng(1).standard_normal((20, 2))
    scores = model.evaluate(X, model.predict_labels(X), "binary_cross_entropy", "accuracy")
    assert scores["accuracy"] == 1.0


def test_evaluate_computes_every_metric_of_a_dict():
    model, X = _binary_model(), np.random.default_rng(1).standard_normal((6, 2))
    y = np.zeros(6)
    scores = model.evaluate(X, y, "mse", {"one": lambda y, y_hat: 1, "two": lambda y, y_hat: 2.5})
    assert (scores["one"], scores["two"]) == (1.0, 2.5)


def test_a_dict_metric_that_is_not_callable_is_named_with_its_type():
    model, X = _binary_model(), np.zeros((3, 2))
    with pytest.raises(TypeError, match=r"got 'f': int"):
        model.evaluate(X, np.zeros(3), "mse", {"f": 3})
    with pytest.raises(TypeError, match=r"got set"):
        model.evaluate(X, np.zeros(3), "mse", {"accuracy"})


def test_no_warnings_fixture_is_active_here(no_warnings):
    """Guard for the silent-R² test above: the fixture does turn warnings into errors."""
    with pytest.raises(RuntimeWarning):
        warnings.warn("x", RuntimeWarning)

"""Inputs that used to be accepted and gave a wrong or meaningless answer are refused by name."""
import numpy as np
import pytest

import nnlib
from nnlib import BinaryCrossEntropy, CrossEntropy


def test_cross_entropy_refuses_logits_given_as_probabilities():
    logits = np.array([[2.0, -1.0, 0.5], [0.1, 3.0, -2.0]])
    with pytest.raises(ValueError, match=r"y_hat must hold probabilities in \[0, 1\] for "
                                         r"cross_entropy \(the output of a softmax, not logits\)"):
        CrossEntropy().value(logits, [0, 1])
    with pytest.raises(ValueError, match="output of a sigmoid, not logits"):
        BinaryCrossEntropy().gradient(logits[:, :1], [[1], [0]])


def test_one_hot_rows_must_lie_in_the_unit_interval():
    with pytest.raises(ValueError, match=r"y rows must be one-hot .* in \[0, 1\]"):
        CrossEntropy().value(np.full((2, 2), 0.5), np.array([[1.0, 0.0], [2.0, -1.0]]))


def test_accuracy_refuses_probabilities():
    with pytest.raises(ValueError, match="y_pred must hold class labels .*predict_labels"):
        nnlib.accuracy([0, 1, 1], [0.2, 0.7, 0.9])
    assert nnlib.accuracy([0, 1, 1], np.array([0.0, 1.0, 0.0])) == pytest.approx(2 / 3)


def test_optimizer_refuses_arrays_it_could_not_update_in_place():
    with pytest.raises(TypeError, match=r"params\[0\] \('w'\): the value must be a float NumPy "
                                        r"array, updated in place, got list"):
        nnlib.SGD([("w", [1.0], [1.0])])
    with pytest.raises(TypeError, match="the value must be a float NumPy array.*got int64"):
        nnlib.Adam([("w", np.arange(3), np.zeros(3))])
    with pytest.raises(TypeError, match=r"pass model.parameters\(\), not the model"):
        nnlib.SGD(nnlib.mlp([2, 1], rng=0))
    with pytest.raises(ValueError, match="value and grad must have one shape"):
        nnlib.SGD([("w", np.zeros(3), np.zeros(2))])


def test_set_weights_refuses_nan_and_changes_nothing_on_error():
    model = nnlib.mlp([2, 3, 1], rng=0)
    before = model.get_weights()
    bad = model.get_weights()
    bad[0] = bad[0] * 0 + 7.0
    bad[-1] = np.full_like(bad[-1], np.nan)
    with pytest.raises(ValueError, match=r"weights for 1.b must hold only finite values"):
        model.set_weights(bad)
    for a, b in zip(before, model.get_weights()):  # the first array was not written either
        np.testing.assert_array_equal(a, b)
    with pytest.raises(TypeError, match="weights must be a list of arrays"):
        model.set_weights(None)


def test_an_empty_trunk_is_named():
    with pytest.raises(ValueError, match="trunk must hold at least one layer, got an empty list"):
        nnlib.MultiTask([], {"a": nnlib.Dense(2, 1)})


def test_a_regression_metric_on_a_classifier_says_what_it_compared():
    model = nnlib.mlp([2, 3], "tanh", "softmax", rng=0)
    X, y = np.ones((4, 2)), np.array([0, 1, 2, 1])
    with pytest.raises(ValueError, match=r"metric 'r2' cannot compare targets of shape \(4,\) with "
                                         r"outputs of shape \(4, 3\).*'accuracy' is for classifiers"):
        model.evaluate(X, y, "cross_entropy", metrics=["r2"])


@pytest.mark.parametrize("alpha", [float("nan"), "x", None])
@pytest.mark.parametrize("name", ["leaky_relu", "elu"])
def test_alpha_must_be_a_finite_number(name, alpha):
    with pytest.raises((TypeError, ValueError), match="alpha must be a"):
        nnlib.get_activation(name, alpha=alpha)


def test_an_activation_without_parameters_says_so():
    with pytest.raises(TypeError, match=r"activation 'relu' takes no keyword arguments \['alpha'\]"):
        nnlib.get_activation("relu", alpha=0.1)


def test_seeds_must_be_non_negative():
    with pytest.raises(ValueError, match="rng must be a seed >= 0, a numpy Generator or None, got -1"):
        nnlib.Dense(3, 4, rng=-1)


def test_ragged_and_complex_input_is_refused_by_name():
    with pytest.raises(ValueError, match="X must be a rectangular array"):
        nnlib.DataLoader([[1.0, 2.0], [3.0]])
    model = nnlib.mlp([3, 2], rng=0)
    with pytest.raises(TypeError, match="X must hold real numbers, got an array of dtype complex128"):
        model.predict(np.ones((2, 3)) + 1j)


def test_mlp_picks_he_for_relu_in_any_spelling():
    for activation in ("relu", "ReLU", nnlib.get_activation("relu")):
        model = nnlib.mlp([4, 8, 8, 8, 2], activation, rng=0)
        assert [layer.init for layer in model.layers] == ["he", "he", "he", "xavier"]
    assert [la.init for la in nnlib.mlp([4, 8, 2], "Tanh", rng=0).layers] == ["xavier", "xavier"]
    # 3 hidden layers: every hidden width in order, then the output
    shapes = [layer.params["W"].shape for layer in nnlib.mlp([4, 8, 6, 5, 2], rng=0).layers]
    assert shapes == [(4, 8), (8, 6), (6, 5), (5, 2)]


def test_in_four_circles_wants_points_with_two_coordinates():
    with pytest.raises(ValueError, match=r"X must have 2 columns \(x1, x2\), got shape \(3, 3\)"):
        nnlib.datasets.in_four_circles(np.ones((3, 3)))
    assert nnlib.datasets.in_four_circles([[1.0, 1.0], [2.0, 2.0]]).tolist() == [1, 0]

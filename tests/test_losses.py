"""Losses: values, plain gradients and fused deltas against finite differences; stability."""
import numpy as np
import pytest
from sklearn.metrics import log_loss

import nnlib
from nnlib import (BinaryCrossEntropy, get_activation, get_loss, numerical_gradient,
                   relative_error)

TOL = 1e-6
LOSS_NAMES = ["mse", "binary_cross_entropy", "cross_entropy"]
PAIRING = {"mse": "identity", "binary_cross_entropy": "sigmoid", "cross_entropy": "softmax"}


def make_case(name, rng, n=5, k=3):
    """Predictions y_hat strictly inside the loss's domain and matching targets y."""
    if name == "mse":
        return rng.standard_normal((n, k)), rng.standard_normal((n, k))
    if name == "binary_cross_entropy":
        return rng.uniform(0.05, 0.95, (n, k)), rng.integers(0, 2, (n, k)).astype(float)
    return nnlib.softmax(rng.standard_normal((n, k))), rng.integers(0, k, n)


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_gradient_matches_numerical_gradient(name, rng):
    loss = get_loss(name)
    y_hat, y = make_case(name, rng)
    numeric = numerical_gradient(lambda: loss(y_hat, y), y_hat)
    assert relative_error(loss.gradient(y_hat, y), numeric) < TOL


@pytest.mark.parametrize("name", ["binary_cross_entropy", "cross_entropy"])
def test_gradient_with_soft_targets(name, rng):
    loss = get_loss(name)
    y_hat, _ = make_case(name, rng)
    y = rng.uniform(0, 1, y_hat.shape)
    if name == "cross_entropy":
        y /= y.sum(axis=1, keepdims=True)
    numeric = numerical_gradient(lambda: loss(y_hat, y), y_hat)
    assert relative_error(loss.gradient(y_hat, y), numeric) < TOL


@pytest.mark.parametrize("name, k", [("mse", 1), ("mse", 3), ("binary_cross_entropy", 1),
                                     ("binary_cross_entropy", 3), ("cross_entropy", 3)])
def test_fused_delta_matches_numerical_gradient_of_logits(name, k, rng):
    loss = get_loss(name)
    act = get_activation(loss.pairs_with)
    assert loss.pairs_with == PAIRING[name]
    Z = 2 * rng.standard_normal((6, k))
    _, y = make_case(name, rng, n=6, k=k)
    Y = loss.prepare(y, k, np.float64)
    numeric = numerical_gradient(lambda: loss.value_from_logits(Z, Y), Z)
    assert relative_error(loss.delta(act.forward(Z), Y), numeric) < TOL


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_value_from_logits_equals_plain_value(name, rng):
    loss = get_loss(name)
    Z = 2 * rng.standard_normal((8, 3))
    _, y = make_case(name, rng, n=8)
    Y = loss.prepare(y, 3, np.float64)
    y_hat = get_activation(loss.pairs_with).forward(Z)
    np.testing.assert_allclose(loss.value_from_logits(Z, Y), loss(y_hat, y), rtol=1e-12)


@pytest.mark.parametrize("name", ["binary_cross_entropy", "cross_entropy"])
def test_fused_path_finite_at_huge_logits(name, no_warnings):
    loss = get_loss(name)
    Z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    Y = loss.prepare(np.array([[1.0, 0.0], [1.0, 0.0]]), 2, np.float64)
    y_hat = get_activation(loss.pairs_with).forward(Z)
    value = loss.value_from_logits(Z, Y)
    delta = loss.delta(y_hat, Y)
    assert np.isfinite(value) and np.all(np.isfinite(delta))
    if name == "binary_cross_entropy":
        # row 0 is right on both outputs (loss 0); row 1 is wrong by 1000 on both: mean 2000/4
        assert value == pytest.approx(500.0, rel=1e-12)
        np.testing.assert_array_equal(delta, [[0.0, 0.0], [-0.25, 0.25]])
    else:
        # row 0 is right (loss 0); row 1 puts all mass on the wrong class: -log p = 2000
        assert value == pytest.approx(1000.0, rel=1e-12)
        np.testing.assert_array_equal(delta, [[0.0, 0.0], [-0.5, 0.5]])


@pytest.mark.parametrize("name", ["binary_cross_entropy", "cross_entropy"])
def test_plain_value_clipped_finite_at_zero_probability(name, no_warnings):
    loss = get_loss(name)
    y_hat = np.array([[0.0, 1.0], [1.0, 0.0]])
    y = np.array([[1.0, 0.0], [1.0, 0.0]])
    assert np.isfinite(loss(y_hat, y))
    assert np.all(np.isfinite(loss.gradient(y_hat, y)))


def test_mse_value_and_gradient_by_hand():
    loss = get_loss("mse")
    y_hat = np.array([[1.0, 2.0], [3.0, 4.0]])
    y = np.array([[0.0, 2.0], [3.0, 6.0]])
    assert loss(y_hat, y) == pytest.approx((1 + 0 + 0 + 4) / 4)
    np.testing.assert_allclose(loss.gradient(y_hat, y), 2 * (y_hat - y) / 4)


def test_bce_and_ce_agree_with_sklearn_log_loss(rng):
    p = rng.uniform(0.05, 0.95, 20)
    y = rng.integers(0, 2, 20)
    assert get_loss("bce")(p[:, None], y) == pytest.approx(log_loss(y, p), rel=1e-12)
    P = nnlib.softmax(rng.standard_normal((20, 4)))
    labels = rng.integers(0, 4, 20)
    expected = log_loss(labels, P, labels=range(4))
    assert get_loss("cross_entropy")(P, labels) == pytest.approx(expected, rel=1e-12)


def test_cross_entropy_labels_and_one_hot_agree(rng):
    loss = get_loss("cross_entropy")
    P = nnlib.softmax(rng.standard_normal((6, 3)))
    labels = np.array([0, 2, 1, 1, 0, 2])
    one_hot = np.eye(3)[labels]
    assert loss(P, labels) == loss(P, one_hot)
    np.testing.assert_array_equal(loss.gradient(P, labels), loss.gradient(P, one_hot))
    np.testing.assert_array_equal(loss.prepare(labels, 3, np.float64), one_hot)
    # integer labels stored as floats are accepted too
    assert loss(P, labels.astype(float)) == loss(P, labels)


@pytest.mark.parametrize("name", ["mse", "binary_cross_entropy"])  # CE reads (N,) as labels
def test_one_dimensional_targets_for_one_output(name, rng):
    loss = get_loss(name)
    y_hat, y = make_case(name, rng, k=1)
    assert loss(y_hat, y[:, 0]) == loss(y_hat, y)


@pytest.mark.parametrize("name", LOSS_NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_prepare_casts_to_dtype(name, dtype, rng):
    loss = get_loss(name)
    _, y = make_case(name, rng)
    assert loss.prepare(y, 3, dtype).dtype == dtype


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_inputs_not_modified(name, rng):
    loss = get_loss(name)
    y_hat, y = make_case(name, rng)
    y_hat0, y0 = y_hat.copy(), y.copy()
    loss(y_hat, y)
    loss.gradient(y_hat, y)
    np.testing.assert_array_equal(y_hat, y_hat0)
    np.testing.assert_array_equal(y, y0)


def test_lookup_by_name_and_alias():
    assert isinstance(get_loss("mse"), nnlib.MeanSquaredError)
    assert isinstance(get_loss("bce"), nnlib.BinaryCrossEntropy)
    assert isinstance(get_loss("Cross_Entropy"), nnlib.CrossEntropy)
    loss = nnlib.CrossEntropy()
    assert get_loss(loss) is loss


def test_unknown_loss_lists_valid_names():
    with pytest.raises(ValueError, match=r"unknown loss 'hinge'.*valid names.*cross_entropy.*mse"):
        get_loss("hinge")


def test_loss_name_of_wrong_type():
    with pytest.raises(TypeError, match="loss must be a name"):
        get_loss(42)


@pytest.mark.parametrize("y_hat, y, exc, match", [
    (np.zeros(3), np.zeros(3), ValueError, r"y_hat must be 2-D, got a 1-D array"),
    (np.zeros((3, 1)), np.zeros(4), ValueError, r"one row per input sample \(3 rows\), got 4 rows"),
    (np.zeros((3, 2)), np.zeros((3, 3)), ValueError, r"y must have 2 column\(s\).*got shape \(3, 3\)"),
    (np.zeros((3, 1)), np.zeros((3, 1, 1)), ValueError, r"y must be 1-D or 2-D, got a 3-D"),
    (np.array([[np.nan], [0.0]]), np.zeros(2), ValueError, r"y_hat must hold only finite values"),
    (np.zeros((2, 1)), np.array([np.inf, 0.0]), ValueError, r"y must hold only finite values"),
    (np.zeros((2, 1)), "ab", TypeError, r"y must be an array of numbers, got str"),
    (np.zeros((2, 1)), np.array(["a", "b"]), TypeError, r"y must hold numbers"),
])
def test_mse_bad_input(y_hat, y, exc, match):
    with pytest.raises(exc, match=match):
        get_loss("mse")(y_hat, y)


def test_bce_targets_outside_unit_interval():
    with pytest.raises(ValueError, match=r"y must hold values in \[0, 1\].*got values in \[0.0, 2.0\]"):
        get_loss("bce")(np.full((2, 1), 0.5), np.array([0.0, 2.0]))


@pytest.mark.parametrize("labels, match", [
    (np.array([0, 3]), r"y labels must be in \[0, 2\] for 3 outputs, got labels in \[0, 3\]"),
    (np.array([-1, 0]), r"y labels must be in \[0, 2\].*got labels in \[-1, 0\]"),
    (np.array([0.5, 1.0]), r"y must hold integer class labels or one-hot rows"),
])
def test_cross_entropy_bad_labels(labels, match):
    with pytest.raises(ValueError, match=match):
        get_loss("cross_entropy")(np.full((2, 3), 1 / 3), labels)


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_integer_predictions_are_read_as_floats(name, no_warnings):
    loss = get_loss(name)
    y_hat = np.array([[1, 0], [0, 1]])
    y = np.array([[1.0, 0.0], [1.0, 0.0]]) if name != "cross_entropy" else np.array([0, 0])
    expected = loss(y_hat.astype(float), y)
    assert loss(y_hat, y) == expected
    np.testing.assert_array_equal(loss.gradient(y_hat, y), loss.gradient(y_hat.astype(float), y))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_clipping_only_at_the_dtype_eps(dtype):
    eps = np.finfo(dtype).eps
    # a tiny but representable probability is taken as it is ...
    p = np.array([[1e-6]], dtype=dtype)
    assert get_loss("bce")(p, [1.0]) == pytest.approx(-np.log(1e-6), rel=1e-6)
    P = np.array([[1e-6, 1 - 1e-6]], dtype=dtype)
    assert get_loss("cross_entropy")(P, [0]) == pytest.approx(-np.log(1e-6), rel=1e-6)
    # ... and a zero one is clipped to the dtype's eps, so log never sees 0
    assert get_loss("bce")(np.zeros((1, 1), dtype), [1.0]) == pytest.approx(-np.log(eps), rel=1e-6)
    assert get_loss("cross_entropy")(np.array([[0.0, 1.0]], dtype), [0]) == pytest.approx(
        -np.log(eps), rel=1e-6)


@pytest.mark.parametrize("z", [30.0, 36.0, 40.0, 700.0])
def test_fused_bce_is_exact_for_confident_correct_rows(z):
    """log(1 + e^-z) for y = 1: no cancellation, and no underflow to 0 before e^-z does."""
    Z = np.array([[z], [-z]])
    Y = np.array([[1.0], [0.0]])
    exact = np.log1p(np.exp(-z))
    assert BinaryCrossEntropy().value_from_logits(Z, Y) == pytest.approx(exact, rel=1e-14, abs=0)

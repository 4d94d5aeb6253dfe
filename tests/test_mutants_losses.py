"""Losses: dtype kept, one target row per output row, stable logits, and the text-label hint."""
import numpy as np
import pytest

from nnlib.losses import BinaryCrossEntropy, CrossEntropy, MeanSquaredError


def test_float32_outputs_are_scored_in_float32():
    y_hat = np.array([[0.1]], dtype=np.float32)
    mse = MeanSquaredError()
    # one square, rounded to float32: not the float64 square of the same input
    assert mse.value(y_hat, [0.0]) == float(np.float32(0.1) * np.float32(0.1))
    assert mse.value(y_hat, [0.0]) != float(np.float64(np.float32(0.1)) ** 2)
    assert mse.gradient(y_hat, [0.0]).dtype == np.float32
    one_hot = np.array([[0.0, 1.0]])
    probs = np.array([[0.25, 0.75]], dtype=np.float32)
    assert CrossEntropy().gradient(probs, one_hot).dtype == np.float32
    assert CrossEntropy().prepare(one_hot, 2, np.float32).dtype == np.float32


@pytest.mark.parametrize("loss, y_hat, y", [
    (MeanSquaredError(), np.zeros((3, 1)), [0.0]),
    (BinaryCrossEntropy(), np.full((3, 1), 0.5), [1.0]),
    (CrossEntropy(), np.full((3, 2), 0.5), [[0.0, 1.0]]),
])
@pytest.mark.parametrize("method", ["value", "gradient"])
def test_one_target_row_is_not_broadcast_over_three_outputs(loss, y_hat, y, method):
    with pytest.raises(ValueError, match=r"^y must have one row per input sample \(3 rows\), "
                                         r"got 1 rows$"):
        getattr(loss, method)(y_hat, y)


def test_cross_entropy_refuses_rows_that_are_not_probabilities():
    with pytest.raises(ValueError, match=r"one-hot \(or class probabilities\) in \[0, 1\]"):
        CrossEntropy().value(np.full((1, 2), 0.5), [[0.0, 1.5]])


def test_cross_entropy_says_how_to_pass_a_label_column():
    with pytest.raises(ValueError, match=r"got one column of shape \(3, 1\): pass the labels "
                                         r"as a 1-D array, y.ravel\(\)$"):
        CrossEntropy().value(np.full((3, 2), 0.5), [[0], [1], [1]])


def test_cross_entropy_from_logits_of_rows_far_apart():
    """Each row's own maximum is taken out: a row far below another still gives log 2."""
    Z = np.array([[0.0, 0.0], [-1000.0, -1000.0]])
    Y = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert CrossEntropy().value_from_logits(Z, Y) == pytest.approx(np.log(2.0), rel=1e-15)


@pytest.mark.parametrize("y, shown", [
    (np.array(["setosa"]), "'setosa'"),
    (np.array(["setosa", 1], dtype=object), "'setosa'"),
])
def test_text_labels_get_the_numbering_hint(y, shown):
    with pytest.raises(TypeError, match=f"got text labels such as {shown}: number them first"):
        CrossEntropy().value(np.full((len(y), 2), 0.5), y)


def test_object_arrays_of_numbers_are_not_called_text():
    y = np.array([0, 1], dtype=object)
    with pytest.raises(TypeError, match=r"^y must hold numbers, got an array of dtype object$"):
        CrossEntropy().value(np.full((2, 2), 0.5), y)

"""The input-check helpers: float32 non-finite values, no needless copies, exact messages."""
import numpy as np
import pytest

import nnlib
from nnlib._checks import as_array, positive_int


def test_non_finite_float32_input_is_refused():
    y = np.array([1.0, np.nan], dtype=np.float32)
    with pytest.raises(ValueError, match=r"^y_true must hold only finite values, got 1 NaN"):
        nnlib.mean_squared_error(y, np.zeros(2, dtype=np.float32))


def test_as_array_copies_only_to_cast():
    x = np.zeros(3)
    assert as_array(x, "x", dtype=np.float64) is x
    assert as_array(x, "x", dtype=np.float32).dtype == np.float32


def test_positive_int_refuses_none():
    with pytest.raises(TypeError, match=r"^n must be a positive integer, got None"):
        positive_int(None, "n")


@pytest.mark.parametrize("call, error, message", [
    (lambda: nnlib.accuracy([[1, 2], [3]], [1, 2]), ValueError,
     r"^y_true must be a rectangular array \(every row of the same length\), got a ragged list$"),
    (lambda: nnlib.get_activation("leaky_relu", alpha=float("nan")), ValueError,
     r"^alpha must be a finite number, got nan$"),
    (lambda: nnlib.get_activation(3), TypeError, r"^activation must be a name \(str\), got int$"),
])
def test_messages_read_as_documented(call, error, message):
    with pytest.raises(error, match=message):
        call()

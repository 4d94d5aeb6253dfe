"""Dense and ParameterStore: defaults, the config round trip and the refusals' wording."""
import numpy as np
import pytest

from nnlib import Dense
from nnlib.layers import ParameterStore


def test_dense_defaults_are_recorded_as_documented():
    config = Dense(2, 3).config()
    assert (config["activation"], config["init"], config["dtype"]) == ("identity", "xavier",
                                                                      "float64")


@pytest.mark.parametrize("kwargs", [dict(init="he", activation="leaky_relu"),
                                    dict(init="normal", activation="tanh", dtype=np.float32)])
def test_from_config_rebuilds_the_same_config(kwargs):
    layer = Dense(3, 2, rng=0, **kwargs)
    assert Dense.from_config(layer.config()).config() == layer.config()


@pytest.mark.parametrize("make, error, message", [
    (lambda: ParameterStore(0), ValueError, r"^size must be a positive integer, got 0$"),
    (lambda: ParameterStore(5).take((2, 3)), ValueError,
     r"^store holds 5 numbers, of which 0 are used: no room for shape \(2, 3\)$"),
    (lambda: Dense(2, 3, store=42), TypeError, r"^store must be a ParameterStore, got int$"),
    (lambda: Dense(2, 3, store=ParameterStore(9, np.float32)), TypeError,
     r"^store must hold float64, like the layer, got float32$"),
])
def test_refusals_name_what_was_wrong(make, error, message):
    with pytest.raises(error, match=message):
        make()

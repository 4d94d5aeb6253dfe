"""Optimizers: the refusals name the argument and what was received, exactly as documented."""
import numpy as np
import pytest

from nnlib import SGD, Adam, mlp


def _triple(grad):
    return [("w", np.zeros(2), grad)]


@pytest.mark.parametrize("make, error, message", [
    (lambda: SGD(mlp([2, 1], rng=0)), TypeError,
     r"model.parameters\(\) \(pass model.parameters\(\), not the model\), got Sequential"),
    (lambda: SGD(42), TypeError, r"returned by model.parameters\(\), got int$"),
    (lambda: SGD(["w"]), TypeError, r"got str at index 0"),
    (lambda: SGD(_triple([0.0, 0.0])), TypeError, r"the grad must be a float NumPy array"),
    (lambda: SGD(_triple(np.zeros(2, dtype=int))), TypeError, r"the grad must be a float"),
    (lambda: Adam(_triple(np.zeros(2)), weight_decay=-1.0), ValueError,
     r"^weight_decay must be a finite number >= 0, got -1.0$"),
])
def test_refusals_name_what_was_wrong(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_reordered_model_parameters_are_refused():
    params = mlp([2, 3, 1], rng=0).parameters()
    params.reverse()  # keeps the model's groups, which no longer match the order
    with pytest.raises(ValueError, match=r"^params.groups must cover the parameters in order; "
                                         r"pass model.parameters\(\) unchanged$"):
        SGD(params)

"""Behaviour the documentation promises, pinned so that a changed number, default or convention
fails a test: defaults, conventions at exact boundaries, dtypes, reprs."""
import inspect
import math

import numpy as np
import pytest

import nnlib
from nnlib import Adam, DataLoader, Dense, MultiTask, SGD, fit, get_activation, mlp
from nnlib.metrics import output_to_labels


def test_adam_with_weight_decay_two_steps_by_hand():
    p, g = np.array([2.0]), np.array([1.0])
    opt = Adam([("p", p, g)], lr=0.1, beta1=0.5, beta2=0.75, eps=1e-300, weight_decay=0.5)
    opt.step()            # g' = 1 + 0.5 * 2 = 2; the first Adam step is lr * sign(g')
    np.testing.assert_allclose(p, [1.9], rtol=1e-15)
    g[:] = 3.0
    opt.step()            # g' = 3 + 0.5 * 1.9 = 3.95
    m = 0.5 * (0.5 * 2.0) + 0.5 * 3.95
    v = 0.75 * (0.25 * 4.0) + 0.25 * 3.95 ** 2
    expected = 1.9 - 0.1 * (m / 0.75) / math.sqrt(v / 0.4375)
    np.testing.assert_allclose(p, [expected], rtol=1e-14)


def test_documented_defaults():
    model = mlp([2, 1], rng=0)
    assert SGD(model.parameters()).lr == 0.01
    assert SGD(model.parameters()).momentum == 0.0
    adam = Adam(model.parameters())
    assert (adam.lr, adam.beta1, adam.beta2, adam.eps) == (0.001, 0.9, 0.999, 1e-8)
    assert DataLoader(np.zeros((5, 2))).batch_size == 32
    defaults = {k: v.default for k, v in inspect.signature(fit).parameters.items()}
    assert defaults["restore_best_weights"] is True and defaults["patience"] is None
    assert defaults["min_delta"] == 0.0


def test_multitask_loss_weights_default_to_one_also_for_missing_heads():
    trunk = [Dense(2, 3, "tanh", rng=0)]
    heads = {"a": Dense(3, 1, rng=1), "b": Dense(3, 1, rng=2)}
    assert MultiTask(trunk, heads).loss_weights == {"a": 1.0, "b": 1.0}
    trunk = [Dense(2, 3, "tanh", rng=0)]
    heads = {"a": Dense(3, 1, rng=1), "b": Dense(3, 1, rng=2)}
    assert MultiTask(trunk, heads, {"a": 0.5}).loss_weights == {"a": 0.5, "b": 1.0}


@pytest.mark.parametrize("w", [2.0, 0.5])
def test_a_head_weight_scales_its_gradient(w, rng):
    """With one head, loss weight w multiplies every gradient by exactly w."""
    X, y = rng.standard_normal((5, 2)), rng.standard_normal(5)

    def grads(weight):
        trunk = [Dense(2, 3, "tanh", rng=0)]
        model = MultiTask(trunk, {"r": Dense(3, 1, rng=1)}, {"r": weight})
        Y = model.prepare_targets({"r": y}, {"r": "mse"})
        model.loss_and_gradients(X, Y, model.resolve_loss({"r": "mse"}))
        return [g.copy() for _, _, g in model.parameters()]

    for g1, gw in zip(grads(1.0), grads(w)):
        np.testing.assert_allclose(gw, w * g1, rtol=1e-13)


def test_history_loss_is_the_epoch_mean_even_with_metrics():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((30, 2)), rng.standard_normal(30)
    runs = []
    for metrics in ((), ["r2"]):
        model = mlp([2, 1], rng=0)
        runs.append(fit(model, "mse", SGD(model.parameters(), lr=0.1),
                        DataLoader(X, y, batch_size=8), 3, metrics=metrics))
    assert runs[0]["loss"] == runs[1]["loss"]  # the running mean, not the end-of-epoch loss
    end_loss = nnlib.mean_squared_error(y, model.predict(X))
    assert runs[1]["loss"][-1] != pytest.approx(end_loss, rel=1e-6)


def test_r2_on_low_variance_targets_and_two_samples():
    y = 1.0 + 1e-3 * np.array([0.0, 1.0, 2.0, 3.0])  # SS_tot = 5e-6: far below 1
    pred = y + 1e-4
    assert nnlib.r2_score(y, pred) == pytest.approx(1 - 4e-8 / 5e-6, rel=1e-9)
    assert nnlib.r2_score([1.0, 3.0], [1.0, 2.0]) == pytest.approx(1 - 1.0 / 2.0)
    with pytest.raises(ValueError, match="at least 2 samples"):
        nnlib.r2_score([1.0], [1.0])


def test_confusion_matrix_with_exactly_enough_classes():
    C = nnlib.confusion_matrix([0, 2, 1], [0, 1, 1], n_classes=3)
    assert C.shape == (3, 3) and C.dtype == np.int64 and C.sum() == 3
    with pytest.raises(ValueError, match="n_classes must be at least 3"):
        nnlib.confusion_matrix([0, 2, 1], [0, 1, 1], n_classes=2)


def test_softmax_subtracts_each_rows_own_maximum():
    P = nnlib.softmax(np.array([[0.0, 1.0], [1000.0, 1001.0]]))
    expected = np.exp([0.0, 1.0]) / np.exp([0.0, 1.0]).sum()
    np.testing.assert_allclose(P, [expected, expected], rtol=1e-15)


@pytest.mark.parametrize("name, kwargs, slope_at_zero", [
    ("relu", {}, 0.0), ("leaky_relu", {"alpha": 0.2}, 0.2), ("elu", {"alpha": 0.7}, 0.7),
])
def test_slopes_at_exactly_zero(name, kwargs, slope_at_zero):
    act = get_activation(name, **kwargs)
    assert act.derivative(np.zeros((1, 1)))[0, 0] == slope_at_zero
    assert act.backward(np.ones((1, 1)), np.zeros((1, 1)), act.forward(np.zeros((1, 1))))[0, 0] \
        == slope_at_zero


def test_one_sigmoid_unit_says_one_from_exactly_one_half():
    labels = output_to_labels(np.array([[0.5], [0.4999999], [1.0]]))
    assert labels.tolist() == [1, 0, 1] and labels.dtype == np.intp


def test_dtypes_are_kept():
    loss = nnlib.get_loss("mse")
    assert loss.prepare(np.ones(3, dtype=np.float32), 1, np.float32).dtype == np.float32
    Z = np.ones((2, 3), dtype=np.float32)
    assert get_activation("softmax").derivative(Z).dtype == np.float32
    assert nnlib.softmax(Z).dtype == np.float32 and nnlib.sigmoid(Z).dtype == np.float32
    assert nnlib.sigmoid(np.array([0, 1])).dtype == np.float64  # ints become floats
    model = mlp([3, 2], "tanh", "softmax", rng=0, dtype=np.float32)
    assert model.predict_labels(np.ones((2, 3))).dtype == np.intp


def test_reprs():
    assert repr(get_activation("leaky_relu", alpha=0.2)) == "LeakyReLU(alpha=0.2)"
    assert repr(get_activation("relu")) == "ReLU()"
    assert repr(nnlib.get_loss("bce")) == "BinaryCrossEntropy()"
    model = mlp([2, 3, 1], "tanh", rng=0)
    assert repr(model) == ("Sequential([\n    Dense(2, 3, activation='tanh'),\n"
                           "    Dense(3, 1, activation='identity'),\n])")
    multi = MultiTask([Dense(2, 3, rng=0)], {"a": Dense(3, 1, rng=1)})
    assert repr(multi).startswith("MultiTask(trunk=[Dense(2, 3, activation='identity')]")

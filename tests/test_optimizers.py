"""SGD and Adam: the first steps on tiny arrays against values worked out by hand."""
import math

import numpy as np
import pytest

import nnlib
from nnlib import SGD, Adam, get_optimizer, mlp


def one_param(p, g):
    """A single (name, value, grad) triple, as model.parameters() returns them."""
    return [("p", np.array(p, dtype=float), np.array(g, dtype=float))]


def test_sgd_plain():
    params = one_param([1.0, -2.0], [0.5, 0.25])
    _, p, g = params[0]
    opt = SGD(params, lr=0.1)
    opt.step()
    np.testing.assert_allclose(p, [0.95, -2.025], rtol=1e-15)
    g[:] = [-1.0, 2.0]
    opt.step()
    np.testing.assert_allclose(p, [1.05, -2.225], rtol=1e-15)
    assert opt.t == 2


def test_sgd_momentum():
    params = one_param([1.0, -2.0], [0.5, 0.25])
    _, p, g = params[0]
    opt = SGD(params, lr=0.1, momentum=0.9)
    opt.step()  # v = g = [0.5, 0.25]; p = [0.95, -2.025]
    np.testing.assert_allclose(p, [0.95, -2.025], rtol=1e-15)
    opt.step()  # v = 0.9 [0.5, 0.25] + [0.5, 0.25] = [0.95, 0.475]; p -= 0.1 v
    np.testing.assert_allclose(opt.state["p"]["velocity"], [0.95, 0.475], rtol=1e-15)
    np.testing.assert_allclose(p, [0.855, -2.0725], rtol=1e-14)
    g[:] = [0.0, -1.0]
    opt.step()  # v = [0.855, 0.4275] + [0, -1] = [0.855, -0.5725]
    np.testing.assert_allclose(p, [0.7695, -2.01525], rtol=1e-14)


def test_sgd_weight_decay():
    params = one_param([1.0, -2.0], [0.5, 0.25])
    _, p, g = params[0]
    opt = SGD(params, lr=0.1, weight_decay=0.1)
    opt.step()  # g + 0.1 p = [0.6, 0.05]; p = [0.94, -2.005]
    np.testing.assert_allclose(p, [0.94, -2.005], rtol=1e-15)
    np.testing.assert_array_equal(g, [0.5, 0.25])  # the stored gradient is left as it was
    opt.step()  # g + 0.1 p = [0.594, 0.0495]; p = [0.8806, -2.00995]
    np.testing.assert_allclose(p, [0.8806, -2.00995], rtol=1e-14)


def test_sgd_momentum_and_weight_decay():
    params = one_param([1.0], [0.5])
    _, p, _ = params[0]
    opt = SGD(params, lr=0.1, momentum=0.5, weight_decay=0.1)
    opt.step()  # g' = 0.6, v = 0.6, p = 0.94
    opt.step()  # g' = 0.5 + 0.094 = 0.594, v = 0.3 + 0.594 = 0.894, p = 0.94 - 0.0894
    np.testing.assert_allclose(p, [0.8506], rtol=1e-14)


def test_adam_first_step_is_lr_times_sign():
    # after one step m_hat = g and v_hat = g^2, so the step is lr * g / (|g| + eps)
    params = one_param([1.0, -2.0, 3.0], [0.5, -0.001, 20.0])
    _, p, _ = params[0]
    Adam(params, lr=0.01).step()
    np.testing.assert_allclose(p, [0.99, -1.99, 2.99], rtol=1e-7)


def test_adam_three_steps_with_bias_correction():
    params = one_param([1.0, -2.0], [0.5, 0.25])
    _, p, g = params[0]
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    opt = Adam(params, lr=lr, beta1=b1, beta2=b2, eps=eps)
    grads = [np.array([0.5, 0.25]), np.array([-1.0, 0.5]), np.array([0.2, 0.0])]
    q, m, v = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2)
    for t, gt in enumerate(grads, start=1):
        g[:] = gt
        opt.step()
        m = b1 * m + (1 - b1) * gt
        v = b2 * v + (1 - b2) * gt ** 2
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        q = q - lr * m_hat / (np.sqrt(v_hat) + eps)
        np.testing.assert_allclose(p, q, rtol=1e-13)
        np.testing.assert_allclose(opt.state["p"]["m"], m, rtol=1e-13)
        np.testing.assert_allclose(opt.state["p"]["v"], v, rtol=1e-13)
    assert opt.t == 3


def test_adam_second_step_by_hand():
    params = one_param([0.0], [1.0])
    _, p, g = params[0]
    opt = Adam(params, lr=1.0, beta1=0.5, beta2=0.75, eps=1e-300)  # eps negligible: exact fractions
    opt.step()  # m = 0.5, v = 0.25; m_hat = 1, v_hat = 1: p = -1
    np.testing.assert_allclose(p, [-1.0], rtol=1e-15)
    g[:] = 3.0
    opt.step()  # m = 0.25 + 1.5 = 1.75, v = 0.1875 + 2.25 = 2.4375
    # m_hat = 1.75 / 0.75 = 7/3, v_hat = 2.4375 / 0.4375 = 39/7: p = -1 - (7/3) / sqrt(39/7)
    np.testing.assert_allclose(p, [-1.0 - (7 / 3) / np.sqrt(39 / 7)], rtol=1e-14)


def test_adam_weight_decay_adds_l2_gradient():
    params = one_param([2.0], [0.0])
    _, p, g = params[0]
    opt = Adam(params, lr=0.1, beta1=0.5, beta2=0.75, weight_decay=0.5)
    opt.step()  # g' = 0 + 0.5 * 2 = 1: first step is lr * sign(g')
    np.testing.assert_allclose(p, [1.9], rtol=1e-7)
    np.testing.assert_array_equal(g, [0.0])


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9),
                                  lambda ps: Adam(ps, lr=0.1)])
def test_updates_model_in_place_and_keeps_float32(make, rng):
    model = mlp([3, 4, 2], "tanh", rng=0, dtype=np.float32)
    arrays = [v for _, v, _ in model.parameters()]
    before = model.get_weights()
    loss = nnlib.get_loss("mse")
    X = rng.standard_normal((5, 3)).astype(np.float32)
    Y = model.prepare_targets(rng.standard_normal((5, 2)), loss)
    opt = make(model.parameters())
    for _ in range(2):
        model.loss_and_gradients(X, Y, loss)
        opt.step()
    for a, (_, v, _), b in zip(arrays, model.parameters(), before):
        assert a is v and v.dtype == np.float32
        assert not np.array_equal(v, b)
    for state in opt.state.values():
        for arr in state.values():
            assert arr.dtype == np.float32


def test_get_optimizer_by_name():
    params = one_param([1.0], [1.0])
    opt = get_optimizer("Adam", params, lr=0.5)
    assert isinstance(opt, Adam) and opt.lr == 0.5
    assert isinstance(get_optimizer("sgd", params), SGD)
    with pytest.raises(ValueError, match=r"unknown optimizer 'rmsprop'; valid names are: adam, sgd"):
        get_optimizer("rmsprop", params)


@pytest.mark.parametrize("cls, kwargs, exc, match", [
    (SGD, dict(lr=0.0), ValueError, r"lr must be a finite number > 0, got 0.0"),
    (SGD, dict(lr=-0.1), ValueError, r"lr must be a finite number > 0, got -0.1"),
    (SGD, dict(lr=np.nan), ValueError, r"lr must be a finite number > 0, got nan"),
    (SGD, dict(lr="0.1"), TypeError, r"lr must be a number, got '0.1' \(str\)"),
    (SGD, dict(momentum=1.0), ValueError, r"momentum must be a finite number in \[0, 1\), got 1.0"),
    (SGD, dict(momentum=-0.5), ValueError, r"momentum must be a finite number in \[0, 1\), got -0.5"),
    (SGD, dict(weight_decay=-1e-4), ValueError, r"weight_decay must be a finite number >= 0, got -0.0001"),
    (Adam, dict(lr=0), ValueError, r"lr must be a finite number > 0, got 0"),
    (Adam, dict(beta1=1.0), ValueError, r"beta1 must be a finite number in \[0, 1\), got 1.0"),
    (Adam, dict(beta2=1.5), ValueError, r"beta2 must be a finite number in \[0, 1\), got 1.5"),
    (Adam, dict(eps=0.0), ValueError, r"eps must be a finite number > 0, got 0.0"),
    (Adam, dict(beta1=None), TypeError, r"beta1 must be a number, got None"),
])
def test_bad_hyperparameters(cls, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        cls(one_param([1.0], [1.0]), **kwargs)


def test_bad_parameter_lists():
    with pytest.raises(ValueError, match=r"params must hold at least one \(name, value, grad\) triple"):
        SGD([])
    with pytest.raises(TypeError, match=r"params must be \(name, value, grad\) triples.*length 2"):
        SGD([("p", np.zeros(2))])


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1),
                                  lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
                                  lambda ps: Adam(ps, lr=0.01, weight_decay=0.01)])
def test_model_parameters_step_like_separate_arrays(make, rng):
    # A model's parameters may share one buffer; the update must equal the per-array one.
    model = mlp([3, 4, 2], "tanh", rng=0)
    loose = [(name, v.copy(), g.copy()) for name, v, g in model.parameters()]
    opt_model, opt_loose = make(model.parameters()), make(loose)
    loss = nnlib.get_loss("mse")
    X = rng.standard_normal((5, 3))
    Y = model.prepare_targets(rng.standard_normal((5, 2)), loss)
    for _ in range(3):
        model.loss_and_gradients(X, Y, loss)
        for (_, _, g), (_, _, g_loose) in zip(model.parameters(), loose):
            g_loose[...] = g
        opt_model.step()
        opt_loose.step()
        for (name, v, _), (_, v_loose, _) in zip(model.parameters(), loose):
            np.testing.assert_allclose(v, v_loose, rtol=1e-14, atol=1e-16, err_msg=name)
    for name, v, _ in model.parameters():
        # Only what carries over from step to step (velocity, moments); no scratch buffer.
        assert sorted(opt_model.state[name]) in ([], ["velocity"], ["m", "v"])
        for key, arr in opt_model.state[name].items():
            assert arr.shape == v.shape
            np.testing.assert_allclose(arr, opt_loose.state[name][key], rtol=1e-14, atol=1e-16)


@pytest.mark.parametrize("select", [lambda ps: ps[2:], lambda ps: ps[::-1], lambda ps: ps[1:3],
                                    lambda ps: [ps[0], ps[3]]])
@pytest.mark.parametrize("cls", [SGD, Adam])
def test_optimizer_on_some_parameters_only(select, cls, rng):
    # e.g. fine-tuning the last layer: parameters left out must not move
    model = mlp([3, 4, 2], "tanh", rng=0)
    chosen = select(model.parameters())
    names = {name for name, _, _ in chosen}
    loose = [(name, v.copy(), g.copy()) for name, v, g in chosen]
    before = {name: v.copy() for name, v, _ in model.parameters()}
    opt, opt_loose = cls(chosen, lr=0.1), cls(loose, lr=0.1)
    loss = nnlib.get_loss("mse")
    X = rng.standard_normal((5, 3))
    Y = model.prepare_targets(rng.standard_normal((5, 2)), loss)
    for _ in range(2):
        model.loss_and_gradients(X, Y, loss)
        for (_, _, g), (_, _, g_loose) in zip(chosen, loose):
            g_loose[...] = g
        opt.step()
        opt_loose.step()
    for name, v, _ in model.parameters():
        if name in names:
            assert not np.array_equal(v, before[name])
        else:
            np.testing.assert_array_equal(v, before[name])
    for (name, v, _), (_, v_loose, _) in zip(chosen, loose):
        np.testing.assert_allclose(v, v_loose, rtol=1e-14, atol=1e-16, err_msg=name)


def test_adam_float32_step_is_float32_arithmetic():
    # A NumPy float64 scalar (such as np.sqrt of a Python float) in an in-place update of a float32
    # array makes NumPy compute in float64 and round back: other bits, and several times slower.
    rng = np.random.default_rng(0)
    p0 = rng.standard_normal(1000).astype(np.float32)
    grads = [rng.standard_normal(1000).astype(np.float32) for _ in range(3)]
    params = [("p", p0.copy(), np.zeros(1000, np.float32))]
    _, p, g = params[0]
    opt = Adam(params, lr=0.01)
    q, m, v = p0.copy(), np.zeros(1000, np.float32), np.zeros(1000, np.float32)
    for t, gt in enumerate(grads, start=1):
        g[:] = gt
        opt.step()
        # The same folded update with Python-float scalars only: every operation in float32.
        c2 = math.sqrt(1.0 - 0.999 ** t)
        m *= 0.9
        m += gt * (1.0 - 0.9)
        v *= 0.999
        tmp = gt * gt
        tmp *= 1.0 - 0.999
        v += tmp
        tmp = np.sqrt(v)
        tmp += 1e-8 * c2
        tmp = m / tmp
        tmp *= 0.01 * c2 / (1.0 - 0.9 ** t)
        q -= tmp
        np.testing.assert_array_equal(p, q)
    assert p.dtype == opt.state["p"]["m"].dtype == opt.state["p"]["v"].dtype == np.float32

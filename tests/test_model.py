"""Sequential and mlp: gradients of a three-layer network, prediction, summary, save/load."""
import numpy as np
import pytest

import nnlib
from nnlib import Dense, Sequential, check_model_gradients, get_activation, mlp

TOL = 1e-6
PAIRINGS = [  # (output activation, loss): the first three use the fused path
    ("identity", "mse"),
    ("sigmoid", "binary_cross_entropy"),
    ("softmax", "cross_entropy"),
    ("softmax", "mse"),
    ("sigmoid", "mse"),
    ("tanh", "mse"),
    ("softmax", "binary_cross_entropy"),
]


def targets(loss, rng, n, k):
    if loss == "mse":
        return rng.standard_normal((n, k))
    if loss == "binary_cross_entropy":
        return rng.integers(0, 2, (n, k)).astype(float)
    return rng.integers(0, k, n)


@pytest.mark.parametrize("output, loss", PAIRINGS)
@pytest.mark.parametrize("hidden", ["tanh", "sigmoid", "relu"])
def test_three_layer_gradients(output, loss, hidden, rng, monkeypatch):
    monkeypatch.setattr(nnlib.model, "_WARNED", set())  # each case hears the warning afresh
    model = mlp([3, 5, 4, 3], hidden, output, rng=1)
    for layer in model.layers:
        layer.params["b"][:] = 0.1 * rng.standard_normal(layer.n_out)
    X = rng.standard_normal((6, 3))
    y = targets(loss, rng, 6, 3)
    fused = nnlib.get_loss(loss).pairs_with == output
    assert fused == ((output, loss) in PAIRINGS[:3])
    if (output, loss) == ("softmax", "binary_cross_entropy"):
        with pytest.warns(UserWarning, match="an unusual pair"):
            errors = check_model_gradients(model, loss, X, y)
    else:
        errors = check_model_gradients(model, loss, X, y)
    assert sorted(errors) == ["0.W", "0.b", "1.W", "1.b", "2.W", "2.b"]
    assert max(errors.values()) < TOL, errors


def test_input_gradient_of_sequential(rng):
    model = mlp([3, 4, 2], "tanh", "sigmoid", rng=0)
    X, R = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))

    def f():
        return float(np.sum(R * model.forward(X)))

    f()
    dX = model.backward(R)
    assert nnlib.relative_error(dX, nnlib.numerical_gradient(f, X)) < TOL
    f()
    assert model.backward(R, input_grad=False) is None


def test_gradient_check_catches_a_wrong_backward(rng):
    class HalfGradDense(Dense):
        def backward_from_dZ(self, dZ, input_grad=True):
            out = super().backward_from_dZ(dZ, input_grad)
            self.grads["W"] *= 0.5
            return out

    model = Sequential([HalfGradDense(3, 4, "tanh", rng=0), Dense(4, 1, rng=1)])
    errors = check_model_gradients(model, "mse", rng.standard_normal((5, 3)), rng.standard_normal(5))
    assert errors["0.W"] > 0.1
    assert errors["1.W"] < TOL


@pytest.mark.parametrize("output, loss", PAIRINGS[:3])
def test_fused_and_plain_paths_give_the_same_gradients(output, loss, rng):
    model = mlp([3, 4, 3], "tanh", output, rng=0)
    X = rng.standard_normal((6, 3))
    loss_obj = nnlib.get_loss(loss)
    Y = model.prepare_targets(targets(loss, rng, 6, 3), loss_obj)
    value = model.loss_and_gradients(X, Y, loss_obj)
    fused = [g.copy() for _, _, g in model.parameters()]
    y_hat = model.forward(X)
    assert value == pytest.approx(loss_obj.raw_value(y_hat, Y), rel=1e-12)
    model.backward(loss_obj.raw_gradient(y_hat, Y))
    for g_fused, (name, _, g) in zip(fused, model.parameters()):
        np.testing.assert_allclose(g_fused, g, rtol=1e-9, atol=1e-14, err_msg=name)


def test_mlp_architecture_and_default_init():
    model = mlp([4, 8, 6, 3], "relu", "softmax", rng=0)
    assert [(l.n_in, l.n_out) for l in model.layers] == [(4, 8), (8, 6), (6, 3)]
    assert [l.activation.name for l in model.layers] == ["relu", "relu", "softmax"]
    assert [l.init for l in model.layers] == ["he", "he", "xavier"]
    assert [l.init for l in mlp([2, 3, 1], "tanh").layers] == ["xavier", "xavier"]
    assert model.n_parameters() == 4 * 8 + 8 + 8 * 6 + 6 + 6 * 3 + 3
    assert model.output_activation == "softmax" and model.n_in == 4 and model.n_out == 3


def test_predict_proba_and_labels(rng):
    X = rng.standard_normal((10, 4))
    model = mlp([4, 5, 3], "tanh", "softmax", rng=0)
    P = model.predict_proba(X)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(model.predict_labels(X), P.argmax(axis=1))
    binary = mlp([4, 5, 1], "tanh", "sigmoid", rng=0)
    np.testing.assert_array_equal(binary.predict_labels(X), (binary.predict(X)[:, 0] >= 0.5))
    with pytest.raises(ValueError, match=r"predict_proba needs a softmax or sigmoid output layer, got 'identity'"):
        mlp([4, 1], rng=0).predict_proba(X)


def test_predict_accepts_lists_and_casts_to_model_dtype():
    model = mlp([2, 3, 1], "tanh", rng=0, dtype=np.float32)
    out = model.predict([[1.0, 2.0], [3.0, 4.0]])
    assert out.shape == (2, 1) and out.dtype == np.float32


def test_parameters_are_live_and_zero_grad(rng):
    model = mlp([2, 3, 1], "tanh", rng=0)
    names = [n for n, _, _ in model.parameters()]
    assert names == ["0.W", "0.b", "1.W", "1.b"]
    _, W, _ = model.parameters()[0]
    assert W is model.layers[0].params["W"]
    model.loss_and_gradients(rng.standard_normal((4, 2)), rng.standard_normal((4, 1)),
                             nnlib.get_loss("mse"))
    assert any(np.any(g != 0) for _, _, g in model.parameters())
    model.zero_grad()
    assert all(np.all(g == 0) for _, _, g in model.parameters())


def test_get_and_set_weights_copy():
    model = mlp([2, 3, 1], "tanh", rng=0)
    weights = model.get_weights()
    weights[0][:] = 0.0  # a copy: the model is untouched
    assert np.any(model.layers[0].params["W"] != 0)
    other = mlp([2, 3, 1], "tanh", rng=1)
    W_obj = other.layers[0].params["W"]
    other.set_weights(model.get_weights())
    assert other.layers[0].params["W"] is W_obj  # set in place: optimizers keep valid references
    for a, b in zip(other.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_evaluate(rng):
    model = mlp([3, 4, 3], "tanh", "softmax", rng=0)
    X, y = rng.standard_normal((20, 3)), rng.integers(0, 3, 20)
    out = model.evaluate(X, y, "cross_entropy", metrics=["accuracy"])
    P = model.predict(X)
    assert out["loss"] == pytest.approx(-np.mean(np.log(P[np.arange(20), y])), rel=1e-12)
    assert out["accuracy"] == np.mean(P.argmax(axis=1) == y)


def test_summary_lists_layers_shapes_and_counts():
    text = mlp([64, 128, 10], "relu", "softmax", rng=0).summary()
    assert "Dense(64 -> 128)" in text and "Dense(128 -> 10)" in text
    assert "(N, 128)" in text and "(N, 10)" in text
    assert "8,320" in text and "1,290" in text and "total parameters: 9,610" in text
    assert "relu" in text and "softmax" in text


ALL_ACTIVATIONS = [("identity", {}), ("sigmoid", {}), ("tanh", {}), ("relu", {}),
                   ("leaky_relu", {"alpha": 0.2}), ("elu", {"alpha": 0.7}), ("silu", {}),
                   ("softmax", {})]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_save_load_round_trip(dtype, tmp_path, rng):
    acts = [get_activation(name, **kw) for name, kw in ALL_ACTIVATIONS]
    sizes = [3, 5, 4, 6, 5, 4, 3, 5, 4]
    layers = [Dense(a, b, act, init="he", rng=i, dtype=dtype)
              for i, (a, b, act) in enumerate(zip(sizes, sizes[1:], acts))]
    for layer in layers:
        layer.params["b"][:] = rng.standard_normal(layer.n_out)
    model = Sequential(layers)
    X = rng.standard_normal((7, 3))
    path = tmp_path / "model.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as f:  # plain arrays only: no pickled objects
        assert {k for k in f.files} == {"config"} | {f"param.{n}" for n, _, _ in model.parameters()}
        for k in f.files:
            f[k]
    loaded = nnlib.load(path)
    assert loaded.dtype == dtype
    assert [l.activation.name for l in loaded.layers] == [n for n, _ in ALL_ACTIVATIONS]
    assert loaded.layers[4].activation.alpha == 0.2 and loaded.layers[5].activation.alpha == 0.7
    for (n1, a, _), (n2, b, _) in zip(model.parameters(), loaded.parameters()):
        assert n1 == n2 and a.dtype == b.dtype == dtype
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.predict(X).dtype == dtype


def test_load_rejects_unknown_model_type(tmp_path):
    path = tmp_path / "odd.npz"
    np.savez(path, config=np.array('{"type": "Banana"}'))
    with pytest.raises(ValueError, match=r"unknown model type 'Banana'"):
        nnlib.load(path)


def test_predict_does_not_modify_input(rng):
    model = mlp([3, 4, 2], "relu", "softmax", rng=0)
    X = rng.standard_normal((5, 3))
    X0 = X.copy()
    model.predict(X)
    model.evaluate(X, np.array([0, 1, 0, 1, 1]), "cross_entropy", metrics=["accuracy"])
    np.testing.assert_array_equal(X, X0)


@pytest.mark.parametrize("X, exc, match", [
    (np.zeros(3), ValueError, r"X must be 2-D, got a 1-D array of shape \(3,\)"),
    (np.zeros((2, 4)), ValueError, r"X must have 3 features \(columns\), got shape \(2, 4\)"),
    (np.array([[0.0, np.nan, 1.0]]), ValueError, r"X must hold only finite values, got 1 NaN or inf"),
    (np.array([[0.0, np.inf, -np.inf]]), ValueError, r"X must hold only finite values, got 2 NaN or inf"),
    (np.zeros((0, 3)), ValueError, r"X must not be empty"),
    ("abc", TypeError, r"X must be an array of numbers, got str"),
    (None, TypeError, r"X must be an array of numbers, got NoneType"),
    (np.array([["a", "b", "c"]]), TypeError, r"X must hold numbers, got an array of dtype <U1"),
])
def test_predict_bad_input(X, exc, match):
    with pytest.raises(exc, match=match):
        mlp([3, 2], rng=0).predict(X)


def test_evaluate_bad_targets(rng):
    model = mlp([3, 2], "tanh", "softmax", rng=0)
    X = rng.standard_normal((4, 3))
    with pytest.raises(ValueError, match=r"one row per input sample \(4 rows\), got 3 rows"):
        model.evaluate(X, np.array([0, 1, 1]), "cross_entropy")
    with pytest.raises(ValueError, match=r"y labels must be in \[0, 1\] for 2 outputs"):
        model.evaluate(X, np.array([0, 1, 2, 1]), "cross_entropy")
    with pytest.raises(ValueError, match=r"unknown metric 'f1'; valid names are: accuracy, mae, mse, r2"):
        model.evaluate(X, np.array([0, 1, 1, 1]), "cross_entropy", metrics=["f1"])


def test_sequential_bad_layers():
    with pytest.raises(ValueError, match="layers must hold at least one layer"):
        Sequential([])
    with pytest.raises(TypeError, match=r"layers\[1\] must be a layer with forward and backward, got str"):
        Sequential([Dense(2, 3, rng=0), "relu"])
    with pytest.raises(ValueError, match=r"layers\[1\] must take 3 inputs to follow layers\[0\], got n_in=4"):
        Sequential([Dense(2, 3, rng=0), Dense(4, 1, rng=0)])
    with pytest.raises(ValueError, match=r"all layers must share one dtype"):
        Sequential([Dense(2, 3, rng=0), Dense(3, 1, rng=0, dtype=np.float32)])


@pytest.mark.parametrize("sizes, exc, match", [
    ([3], ValueError, r"sizes must list at least an input and an output width, got \[3\]"),
    ([3, 0, 1], ValueError, r"sizes\[1\] must be a positive integer, got 0"),
    ([3, 2.0, 1], TypeError, r"sizes\[1\] must be a positive integer, got 2.0"),
])
def test_mlp_bad_sizes(sizes, exc, match):
    with pytest.raises(exc, match=match):
        mlp(sizes)


def test_set_weights_bad_input():
    model = mlp([2, 3, 1], rng=0)
    with pytest.raises(ValueError, match="weights must hold 4 arrays, got 3"):
        model.set_weights(model.get_weights()[:3])
    bad = model.get_weights()
    bad[0] = np.zeros((3, 2))
    with pytest.raises(ValueError, match=r"weights for 0.W must have shape \(2, 3\), got \(3, 2\)"):
        model.set_weights(bad)


def test_save_adds_the_npz_suffix_and_load_finds_it(tmp_path):
    model = nnlib.mlp([3, 4, 2], "tanh", "softmax", rng=0)
    path = model.save(tmp_path / "model")
    assert path == tmp_path / "model.npz" and path.exists()
    X = np.random.default_rng(1).normal(size=(5, 3))
    np.testing.assert_array_equal(nnlib.load(tmp_path / "model").predict(X), model.predict(X))


def test_datasets_module_comes_with_import_nnlib():
    assert callable(nnlib.datasets.make_four_circles)


def test_a_reference_taken_before_the_model_is_built_stays_live(rng):
    """Nothing is moved when layers join a model: an early reference sees every update."""
    first, second = Dense(3, 4, "tanh", rng=0), Dense(4, 2, rng=1)
    W, dW = first.params["W"], first.grads["W"]
    model = Sequential([first, second])
    before = W.copy()
    opt = nnlib.SGD(model.parameters(), lr=0.1)
    X, y = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    loss = nnlib.get_loss("mse")
    model.loss_and_gradients(X, model.prepare_targets(y, loss), loss)
    opt.step()
    assert W is model.layers[0].params["W"] and dW is model.layers[0].grads["W"]
    np.testing.assert_allclose(W, before - 0.1 * dW, rtol=1e-15)


def test_mlp_keeps_all_parameters_in_one_store_and_one_group():
    model = mlp([3, 5, 4, 2], "relu", rng=0)
    stores = {id(layer.store) for layer in model.layers}
    params = model.parameters()
    assert len(stores) == 1 and len(params.groups) == 1
    values, grads, names = params.groups[0]
    assert names == [n for n, _, _ in params] and values.size == model.n_parameters()
    # hand-built layers each have a store of their own: one group per layer
    loose = Sequential([Dense(3, 5, rng=0), Dense(5, 2, rng=1)])
    assert [names for _, _, names in loose.parameters().groups] == [["0.W", "0.b"], ["1.W", "1.b"]]


def test_a_layer_without_a_store_gets_one_group_per_array(rng):
    class Scale:  # a minimal layer of another kind: y = x * s
        def __init__(self):
            self.params, self.grads = {"s": np.ones(3)}, {"s": np.zeros(3)}
            self.n_in = self.n_out = 3
            self.dtype = np.dtype(np.float64)

        def forward(self, X):
            self.X = X
            return X * self.params["s"]

        def backward(self, dA, input_grad=True):
            self.grads["s"][...] = (dA * self.X).sum(axis=0)
            return dA * self.params["s"] if input_grad else None

    model = Sequential([Dense(2, 3, rng=0), Scale()])
    assert [names for _, _, names in model.parameters().groups] == [["0.W", "0.b"], ["1.s"]]

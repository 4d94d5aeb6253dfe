"""Sequential and mlp: the summary text, backward's defaults, default initialisers, parameter
groups, dtype of prepared targets, and one-layer models through save and load."""
import numpy as np
import pytest

import nnlib
from nnlib import Dense, Sequential, mlp

SUMMARY = """\
#  layer             activation  output shape  parameters
---------------------------------------------------------
0  Dense(64 -> 128)  relu        (N, 128)           8,320
1  Dense(128 -> 10)  softmax     (N, 10)            1,290
---------------------------------------------------------
total parameters: 9,610   input: (N, 64)   dtype: float64"""


def test_summary_text_is_exactly_the_documented_table():
    assert mlp([64, 128, 10], "relu", "softmax", rng=0).summary() == SUMMARY


@pytest.mark.parametrize("activation, init", [
    ("relu", "he"), ("leaky_relu", "he"), ("elu", "he"), ("silu", "he"),
    ("tanh", "xavier"), ("sigmoid", "xavier"), ("identity", "xavier"),
])
def test_mlp_picks_he_for_relu_like_hidden_layers_and_xavier_otherwise(activation, init):
    model = mlp([3, 4, 4, 4, 2], activation, rng=0)
    assert [layer.init for layer in model.layers] == [init, init, init, "xavier"]


def test_backward_goes_through_an_output_activation_that_reads_z():
    model = mlp([3, 2], output_activation="leaky_relu", rng=0)
    X = np.random.default_rng(1).standard_normal((6, 3))
    W, b = model.layers[0].params["W"], model.layers[0].params["b"]
    Z = X @ W + b
    dY = np.ones((6, 2))
    model.forward(X)
    dX = model.backward(dY)
    delta = np.where(Z > 0, 1.0, 0.01)  # dY is all ones
    np.testing.assert_allclose(dX, delta @ W.T, rtol=1e-14)
    np.testing.assert_allclose(model.layers[0].grads["W"], X.T @ delta, rtol=1e-14)


def test_backward_from_delta_returns_the_input_gradient_unless_told_not_to():
    model = mlp([3, 2], rng=0)
    X = np.random.default_rng(1).standard_normal((4, 3))
    model.forward(X)
    delta = np.arange(8.0).reshape(4, 2)
    W = model.layers[0].params["W"]
    np.testing.assert_allclose(model.backward_from_delta(delta), delta @ W.T, rtol=1e-15)
    assert model.backward_from_delta(delta, input_grad=False) is None


def test_a_layer_needs_both_forward_and_backward():
    class ForwardOnly:
        def forward(self, X):
            return X

    with pytest.raises(TypeError, match=r"^layers\[0\] must be a layer with forward and "
                                        r"backward, got ForwardOnly$"):
        Sequential([ForwardOnly()])


def test_prepared_targets_take_the_models_dtype():
    model = mlp([2, 3], output_activation="softmax", rng=0, dtype=np.float32)
    loss = model.resolve_loss("cross_entropy")
    assert model.prepare_targets(np.eye(3)[[0, 2]], loss).dtype == np.float32
    assert model.prepare_targets(np.array([0, 2]), loss).dtype == np.float32


def test_fit_takes_metrics_none_as_no_metrics():
    model = mlp([2, 1], rng=0)
    X, y = np.zeros((4, 2)), np.zeros(4)
    loader = nnlib.DataLoader(X, y, batch_size=2)
    history = nnlib.fit(model, "mse", nnlib.SGD(model.parameters()), loader, epochs=1,
                        metrics=None)
    assert sorted(history) == ["loss"]


def _storeless(layer):
    """The same layer, seen as one that keeps its arrays outside any ParameterStore."""
    layer.store = None
    return layer


def test_parameters_of_a_layer_without_a_store_then_store_layers():
    model = Sequential([_storeless(Dense(2, 3, rng=0)), Dense(3, 2, rng=0), Dense(2, 1, rng=0)])
    params = model.parameters()
    assert [n for n, _, _ in params] == ["0.W", "0.b", "1.W", "1.b", "2.W", "2.b"]
    assert [names for _, _, names in params.groups] == [["0.W"], ["0.b"], ["1.W", "1.b"],
                                                       ["2.W", "2.b"]]


def test_a_model_of_later_layers_of_a_store_groups_only_its_own_numbers():
    whole = mlp([2, 3, 4, 1], rng=0)
    tail = Sequential(whole.layers[1:])
    (values, _, names), = tail.parameters().groups
    assert names == ["0.W", "0.b", "1.W", "1.b"]
    assert values.size == tail.n_parameters() == 3 * 4 + 4 + 4 * 1 + 1
    before = whole.layers[0].params["W"].copy()
    for _, _, g in tail.parameters():
        g.fill(1.0)
    nnlib.SGD(tail.parameters(), lr=0.5).step()
    np.testing.assert_array_equal(whole.layers[0].params["W"], before)  # not part of tail


def test_a_one_layer_model_saves_and_loads(tmp_path):
    model = mlp([3, 2], output_activation="softmax", rng=0)
    X = np.random.default_rng(1).standard_normal((4, 3))
    loaded = nnlib.load(model.save(tmp_path / "one"))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


@pytest.mark.parametrize("kwargs, message", [
    (dict(activation="foo"), r"^activation: unknown activation 'foo'"),
    (dict(output_activation="foo"), r"^output_activation: unknown activation 'foo'"),
])
def test_mlp_names_the_argument_of_an_unknown_activation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mlp([2, 3], **kwargs)


def test_set_weights_names_what_it_got():
    with pytest.raises(TypeError, match=r"as from get_weights\(\), got int$"):
        mlp([2, 1], rng=0).set_weights(3)


PAIRINGS = ("Pairings that work: identity + mse for regression; sigmoid + binary_cross_entropy "
            "for one or several yes/no labels; softmax over K >= 2 units + cross_entropy for one "
            "class out of K; mse also trains any other output activation (e.g. sigmoid + mse)")


@pytest.mark.parametrize("sizes, output, loss, expected", [
    ([2, 1], "softmax", "cross_entropy",
     "loss 'cross_entropy' cannot train this model's output layer (1 'softmax' unit): a softmax "
     "over one unit outputs 1 whatever its input, so nothing can be learnt. "),
    ([2, 3], "identity", "cross_entropy",
     "loss 'cross_entropy' cannot train this model's output layer (3 'identity' units): "
     "cross-entropy needs one probability per class, the K of them summing to 1, as a softmax "
     "gives; it only ever pushes the true class's output up. "),
    ([2, 2], "identity", "binary_cross_entropy",
     "loss 'binary_cross_entropy' cannot train this model's output layer (2 'identity' units): "
     "binary cross-entropy needs probabilities in (0, 1), as a sigmoid gives; identity outputs "
     "are not confined to them. "),
])
def test_an_impossible_pairing_is_explained_in_full(sizes, output, loss, expected):
    model = mlp(sizes, output_activation=output, rng=0)
    with pytest.raises(ValueError) as info:
        model.resolve_loss(loss)
    assert str(info.value) == expected + PAIRINGS

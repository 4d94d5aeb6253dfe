"""The playground's engine without any frontend: data, every control's effect, training,
divergence, the pictures' values, lesson files, and bad input refused by name."""
import json
import math
import struct
import subprocess
import sys
import zlib

import numpy as np
import pytest

import nnlib
from nnlib.playground import Engine, Lesson, LessonFileError, Settings, pictures, render
from nnlib.playground import datasets as pg_data
from nnlib.playground.features import FEATURES
from nnlib.playground.lesson import HIDEABLE

SMALL = dict(n_samples=200)  # most tests need no more points


def weights(engine):
    return engine.model.get_weights()


def same_weights(a, b):
    return all(np.array_equal(x, y) for x, y in zip(weights(a), weights(b)))


# -- data sets ------------------------------------------------------------------------------
@pytest.mark.parametrize("problem, name", [(p, n) for p, table in pg_data.GENERATORS.items()
                                           for n in table])
def test_every_data_set_is_seeded_and_in_the_square(problem, name):
    loss = "mse" if problem == "regression" else "cross_entropy"
    a = Engine(problem=problem, dataset=name, loss=loss, n_samples=300, noise=10)
    b = Engine(problem=problem, dataset=name, loss=loss, n_samples=300, noise=10)
    c = Engine(problem=problem, dataset=name, loss=loss, n_samples=300, noise=10, data_seed=1)
    assert np.array_equal(a.data.X_train, b.data.X_train)
    assert not np.array_equal(a.data.X_train, c.data.X_train)
    X = np.vstack([a.data.X_train, a.data.X_test])
    y = np.concatenate([a.data.y_train, a.data.y_test])
    assert X.shape == (300, 2) and len(y) == 300
    assert np.abs(X).max() < 9  # the square [-6, 6]^2, give or take the noise
    if problem == "classification":
        k = 3 if name == "three_gaussians" else 2
        assert a.n_classes == k and set(np.unique(y)) == set(range(k))
        assert min(np.bincount(y)) > 0.2 * len(y)  # no class left nearly empty
    else:
        assert a.n_classes == 0 and -2 <= y.min() < 0 < y.max() <= 2


def test_noise_blurs_the_boundary():
    # circle: class 1 exactly inside radius 2.5 without noise; with noise some points cross
    def wrong(noise):
        e = Engine(dataset="circle", noise=noise, n_samples=1000)
        X, y = e.data.X_train, e.data.y_train
        return np.mean((np.hypot(X[:, 0], X[:, 1]) < 2.5) != y)
    assert wrong(0) == 0
    assert 0.02 < wrong(50) < 0.5


def test_train_percent_splits_the_points():
    for percent, n_train in [(10, 20), (50, 100), (90, 180)]:
        e = Engine(train_percent=percent, **SMALL)
        assert len(e.data.X_train) == n_train and len(e.data.X_test) == 200 - n_train
        assert len(e.history["train_loss"]) == 1  # epoch 0 recorded


def test_four_circles_match_notebook_09_geometry():
    e = Engine(dataset="four_circles", n_samples=2000)
    X = e.data.X_train
    assert np.array_equal(e.data.y_train, nnlib.datasets.in_four_circles((X + 6) / 3))
    assert abs(e.data.y_train.mean() - np.pi / 8) < 0.05


def test_regenerate_draws_new_data_and_a_fresh_network():
    e = Engine(**SMALL)
    e.step(2)
    X = e.data.X_train.copy()
    assert e.regenerate() == "rebuilt"
    assert e.settings.data_seed == 1 and e.epoch == 0
    assert not np.array_equal(X, e.data.X_train)


# -- features and network -------------------------------------------------------------------
def test_features_are_the_network_inputs_standardised():
    e = Engine(features=["x1*x2", "sin(x1)", "x1"], **SMALL)
    assert e.settings.features == ("x1", "x1*x2", "sin(x1)")  # one fixed order
    assert e.model.n_in == 3
    X = e.data.X_train
    raw = np.column_stack([X[:, 0], X[:, 0] * X[:, 1], np.sin(X[:, 0])])
    np.testing.assert_allclose(e._X_train, (raw - raw.mean(0)) / raw.std(0), rtol=1e-12)


def test_feature_maps_show_each_feature_over_the_square():
    maps = Engine(**SMALL).feature_maps(5)
    assert set(maps) == set(FEATURES)
    # row 0 is the top edge (x2 = 6), column 0 the left edge (x1 = -6)
    assert maps["x1"][0, 0] == -6 and maps["x1"][0, -1] == 6
    assert maps["x2"][0, 0] == 6 and maps["x2"][-1, 0] == -6
    assert maps["x1^2"][2, 0] == 36 and maps["x1*x2"][0, 0] == -36
    np.testing.assert_allclose(maps["sin(x2)"][:, 0], np.sin([6, 3, 0, -3, -6]), atol=1e-15)


@pytest.mark.parametrize("hidden", [(), (3,), (8, 1, 2), (1,) * 6])
def test_hidden_layers_and_widths(hidden):
    e = Engine(hidden_layers=hidden, **SMALL)
    sizes = [layer.n_out for layer in e.model.layers]
    assert sizes == [*hidden, 1]
    assert len(e.unit_maps(4)) == len(hidden)
    assert e.step(1)


@pytest.mark.parametrize("activation, name", [("relu", "relu"), ("tanh", "tanh"),
                                              ("sigmoid", "sigmoid"), ("linear", "identity")])
def test_activation_of_the_hidden_layers(activation, name):
    e = Engine(activation=activation, hidden_layers=(3, 2), **SMALL)
    assert [l.activation.name for l in e.model.layers] == [name, name, "sigmoid"]


def test_output_and_loss_follow_the_problem():
    two = Engine(**SMALL)
    three = Engine(dataset="three_gaussians", **SMALL)
    regression = Engine(problem="regression", dataset="plane", loss="mse", **SMALL)
    assert (two.model.n_out, two.model.output_activation, two.loss.name) == \
        (1, "sigmoid", "binary_cross_entropy")
    assert (three.model.n_out, three.model.output_activation, three.loss.name) == \
        (3, "softmax", "cross_entropy")
    assert (regression.model.n_out, regression.model.output_activation) == (1, "identity")
    assert "test_accuracy" not in regression.history
    mse3 = Engine(dataset="three_gaussians", loss="mse", **SMALL)
    assert mse3.loss.name == "mse" and mse3._Y_train.shape == (len(mse3.data.y_train), 3)


# -- live controls: weights kept ------------------------------------------------------------
def test_learning_rate_scales_the_sgd_step():
    # one full-batch SGD step from the same weights: the change is proportional to lr
    moves = []
    for lr in (0.01, 0.03):
        e = Engine(optimizer="sgd", lr=lr, batch_size=1000, **SMALL)
        before = weights(e)
        e.step(1)
        moves.append(np.concatenate([(a - b).ravel() for a, b in zip(weights(e), before)]))
    np.testing.assert_allclose(moves[1], 3 * moves[0], rtol=1e-9, atol=1e-15)


def test_live_changes_keep_the_weights_and_act_at_once():
    e = Engine(**SMALL)
    e.step(3)
    w = weights(e)
    for change in [dict(lr=0.3), dict(batch_size=7), dict(optimizer="momentum"),
                   dict(loss="mse"), dict(regularization="l2", reg_rate=0.01),
                   dict(show_test=True, discretize=True)]:
        assert e.update(**change) == "kept"
        assert e.epoch == 3 and all(np.array_equal(a, b) for a, b in zip(w, weights(e)))
    assert e.optimizer.lr == 0.3 and e.optimizer.momentum == 0.9
    assert e.loss.name == "mse" and e.history["train_loss"][-1] < 0.5  # re-recorded as MSE
    assert e._loader.batch_size == 7
    e.step(1)
    n_train = len(e.data.X_train)
    assert e.optimizer.t == math.ceil(n_train / 7)  # the new batch size, one epoch


@pytest.mark.parametrize("name, kind, momentum", [("sgd", nnlib.SGD, 0.0),
                                                  ("momentum", nnlib.SGD, 0.9),
                                                  ("adam", nnlib.Adam, None)])
def test_optimizer_choice(name, kind, momentum):
    e = Engine(optimizer=name, **SMALL)
    assert type(e.optimizer) is kind
    if momentum is not None:
        assert e.optimizer.momentum == momentum


def test_rebuilding_changes_reset_the_epoch():
    e = Engine(**SMALL)
    e.step(2)
    for change in [dict(features=["x1", "x2"]), dict(hidden_layers=[2]),
                   dict(activation="relu"), dict(seed=5), dict(noise=20)]:
        e.step(1)
        assert e.update(**change) == "rebuilt" and e.epoch == 0
        assert len(e.history["train_loss"]) == 1


def test_reset_returns_to_the_same_start():
    e = Engine(**SMALL)
    start = weights(e)
    e.step(3)
    e.reset()
    assert e.epoch == 0 and all(np.array_equal(a, b) for a, b in zip(start, weights(e)))


# -- regularisation -------------------------------------------------------------------------
def _first_layer(e):
    return e.model.layers[0].params["W"]


def test_l2_adds_lambda_w_to_the_gradient():
    # one full-batch SGD step: the L2 run moves W by an extra -lr * lambda * W
    runs = {}
    for reg in ("none", "l2"):
        e = Engine(optimizer="sgd", lr=0.1, batch_size=1000, regularization=reg,
                   reg_rate=0.5, **SMALL)
        W0 = [l.params["W"].copy() for l in e.model.layers]
        e.step(1)
        runs[reg] = (W0, [l.params["W"] for l in e.model.layers])
    for W0, W_none, W_l2 in zip(runs["none"][0], runs["none"][1], runs["l2"][1]):
        np.testing.assert_allclose(W_l2, W_none - 0.1 * 0.5 * W0, rtol=1e-9, atol=1e-14)


def test_l1_sets_small_weights_to_exactly_zero():
    plain = Engine(optimizer="sgd", lr=0.3, **SMALL)
    l1 = Engine(optimizer="sgd", lr=0.3, regularization="l1", reg_rate=0.01, **SMALL)
    zero_rate = Engine(optimizer="sgd", lr=0.3, regularization="l1", reg_rate=0.0, **SMALL)
    for e in (plain, l1, zero_rate):
        e.step(20)
    count = lambda e: sum(int((l.params["W"] == 0).sum()) for l in e.model.layers)  # noqa
    assert count(plain) == 0 and count(l1) >= 5
    assert same_weights(plain, zero_rate)  # rate 0 is no regularisation, bit for bit
    assert all(not (l.params["b"] == 0).any() for l in l1.model.layers)  # biases untouched


def test_update_rule_text_names_what_is_in_use():
    rule = Engine(optimizer="sgd", lr=0.03, **SMALL).update_rule()
    assert "W ← W − η g" in rule and "η = 0.03" in rule
    rule = Engine(optimizer="momentum", regularization="l2", reg_rate=0.001, **SMALL).update_rule()
    assert "v ← μ v + g" in rule and "λ W" in rule and "λ = 0.001" in rule
    rule = Engine(optimizer="adam", regularization="l1", reg_rate=0.01, **SMALL).update_rule()
    assert "m̂" in rule and "λ sign(W)" in rule and "stops at 0" in rule
    assert "ŷ = z" in Engine(problem="regression", dataset="plane", loss="mse").update_rule()


def test_gradient_norms_are_those_of_the_last_batch():
    e = Engine(optimizer="sgd", batch_size=1000, **SMALL)  # one batch: the whole training set
    model = nnlib.mlp([4, 6, 4, 1], "tanh", "sigmoid", rng=0)
    model.set_weights(weights(e))
    model.loss_and_gradients(e._X_train, e._Y_train, e.loss)
    e.step(1)
    expected = [math.sqrt(np.sum(l.grads["W"] ** 2) + np.sum(l.grads["b"] ** 2))
                for l in model.layers]
    np.testing.assert_allclose(e.grad_norms, expected, rtol=1e-10)
    # What the panel shows: one positive, finite norm per layer, of the engine's own gradients.
    shown = e.state()["grad_norms"]
    assert len(shown) == len(e.model.layers) and all(0 < g < math.inf for g in shown)
    np.testing.assert_allclose(shown, [np.linalg.norm(np.concatenate(
        [l.grads["W"].ravel(), l.grads["b"].ravel()])) for l in e.model.layers], rtol=1e-12)


# -- training, determinism, divergence ------------------------------------------------------
def test_the_opening_lesson_learns_the_four_circles():
    accuracies = []
    for seed in range(3):
        e = Engine(seed=seed)
        assert e.step(60)
        accuracies.append(e.history["test_accuracy"][-1])
        assert e.epoch == 60 and len(e.history["test_loss"]) == 61
        assert e.history["train_loss"][-1] < 0.5 * e.history["train_loss"][0]
    assert min(accuracies) > 0.9  # always 'outside' scores about 0.61


def test_same_settings_and_seed_give_the_same_run():
    a, b, c = Engine(**SMALL), Engine(**SMALL), Engine(seed=1, **SMALL)
    for e in (a, b, c):
        e.step(5)
    assert same_weights(a, b) and a.history == b.history
    assert not same_weights(a, c)
    d = Engine(**SMALL)
    d.step(2)
    d.step(3)
    assert same_weights(a, d)  # epochs in any grouping


def test_seed_splits_weights_from_batch_order():
    # another batch size draws the same initial weights
    a, b = Engine(batch_size=5, **SMALL), Engine(batch_size=20, **SMALL)
    assert same_weights(a, b)


def test_divergence_is_caught_with_a_message_and_no_nan_picture():
    e = Engine(problem="regression", dataset="plane", loss="mse", optimizer="sgd", lr=1.0,
               activation="linear")
    before = weights(e)
    assert e.step(3) is False
    assert e.epoch == 0 and len(e.history["train_loss"]) == 1
    assert "diverged" in e.message and "smaller learning rate (now 1)" in e.message
    assert all(np.array_equal(a, b) for a, b in zip(before, weights(e)))
    assert np.isfinite(e.output_map(20)).all()
    assert all(np.isfinite(m).all() for m in e.unit_maps(20))
    e.update(lr=0.001)  # a smaller step trains on from the same weights
    assert e.step(3) and e.message is None and e.epoch == 3


def test_divergence_by_runaway_weights():
    e = Engine(problem="regression", dataset="plane", loss="mse", optimizer="sgd", lr=3.0,
               activation="relu")
    assert not e.step(2)
    assert "a weight grew beyond ±1e+06" in e.message


def test_divergence_by_a_loss_that_is_not_a_number(monkeypatch):
    e = Engine(**SMALL)
    e.step(1)
    before = weights(e)
    monkeypatch.setattr(e.model, "loss_and_gradients", lambda *args: float("nan"))
    assert not e.step(1)
    assert "epoch 2: the training loss became NaN (not a number)" in e.message
    assert e.epoch == 1 and all(np.array_equal(a, b) for a, b in zip(before, weights(e)))


# -- the values of the pictures -------------------------------------------------------------
def test_output_map_is_the_network_on_the_grid():
    e = Engine(**SMALL)
    e.step(2)
    G = 7
    P = e.grid(G)
    expected = e.model.predict(e._features(P))[:, 0].reshape(G, G)
    np.testing.assert_allclose(e.output_map(G), expected, rtol=1e-12)
    assert e.output_map(G).shape == (G, G)
    assert [m.shape for m in e.unit_maps(G)] == [(G, G, 6), (G, G, 4)]
    big = e.layer_maps(70)  # several blocks of rows: the same as one pass
    np.testing.assert_allclose(big[-1].reshape(-1, 1), e.model.predict(e._features(e.grid(70))),
                               rtol=1e-12)


def test_three_classes_give_probabilities():
    e = Engine(dataset="three_gaussians", hidden_layers=(4,), **SMALL)
    e.step(10)
    P = e.output_map(6)
    assert P.shape == (6, 6, 3)
    np.testing.assert_allclose(P.sum(axis=2), 1, rtol=1e-12)
    assert e.history["test_accuracy"][-1] > 0.8


# -- your own data --------------------------------------------------------------------------
def test_your_own_data_is_used_and_never_changed():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (120, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    X_copy, y_copy = X.copy(), y.copy()
    e = Engine(data=(X, y), features=["x1", "x2", "x1*x2"])
    assert e.settings.dataset == "custom" and e.data_is_custom
    assert len(e.data.X_train) + len(e.data.X_test) == 120
    lo, hi = e.data.extent
    assert lo < X.min() and hi > X.max()
    e.step(30)
    assert e.history["test_accuracy"][-1] > 0.9  # x1*x2 is the answer
    assert np.array_equal(X, X_copy) and np.array_equal(y, y_copy)
    reg = Engine(data=(X, X.sum(axis=1)), problem="regression", loss="mse")
    assert reg.n_classes == 0 and reg.step(2)


def test_custom_regression_values_refused_for_classification():
    X = np.zeros((10, 2)) + np.arange(10)[:, None]
    e = Engine(data=(X, np.linspace(0, 1, 10)), problem="regression", loss="mse")

    def refused(**changes):
        settings, epoch, w = e.settings, e.epoch, weights(e)
        history = {k: list(v) for k, v in e.history.items()}
        with pytest.raises(ValueError, match="data y must hold class labels"):
            e.update(**changes)
        # left as it was: the same settings, epoch, weights (bit for bit) and history
        assert e.settings == settings and e.epoch == epoch and e.history == history
        assert all(np.array_equal(a, b) for a, b in zip(w, weights(e)))

    e.step(2)
    refused(problem="classification", loss="cross_entropy")
    assert e.epoch == 2
    # back to your data from a built-in classification data set
    e.update(problem="classification", dataset="circle", loss="cross_entropy")
    e.step(3)
    refused(dataset="custom")
    assert e.epoch == 3 and e.step(1)


@pytest.mark.parametrize("data, error, match", [
    (np.zeros((10, 2)), TypeError, "data must be a pair"),
    ((np.zeros((10, 3)), np.zeros(10)), ValueError, "data X must have 2 columns"),
    ((np.zeros((10, 2)), np.zeros(9)), ValueError, "same number of rows"),
    ((np.zeros((10, 2)), np.full(10, 0.5)), ValueError, "class labels"),
    ((np.zeros((10, 2)), np.zeros(10)), ValueError, "at least 2 classes"),
    ((np.zeros((3, 2)), np.arange(3)), ValueError, "at least 4 points"),
    ((np.full((10, 2), np.nan), np.arange(10) % 2), ValueError, "finite"),
    (("ab", np.zeros(10)), TypeError, "data X must be an array"),
])
def test_bad_user_data_refused_by_name(data, error, match):
    with pytest.raises(error, match=match):
        Engine(data=data)


# -- bad settings ---------------------------------------------------------------------------
@pytest.mark.parametrize("change, error, match", [
    (dict(lr=20), ValueError, r"lr must be a finite number in \[1e-05, 10\], got 20"),
    (dict(lr="fast"), TypeError, "lr must be a number"),
    (dict(activation="swish"), ValueError, "unknown activation 'swish'; valid names are"),
    (dict(features=[]), ValueError, "features must name at least one input"),
    (dict(features="x1"), TypeError, "features must be a list"),
    (dict(features=["x3"]), ValueError, "unknown feature 'x3'"),
    (dict(hidden_layers=[4] * 7), ValueError, "at most 6 layers"),
    (dict(hidden_layers=[4, 9]), ValueError, r"hidden_layers\[1\] must be an integer in \[1, 8\]"),
    (dict(hidden_layers=[2.5]), TypeError, r"hidden_layers\[0\] must be an integer"),
    (dict(noise=60), ValueError, r"noise must be a finite number in \[0, 50\]"),
    (dict(train_percent=5), ValueError, "train_percent"),
    (dict(batch_size=0), ValueError, "batch_size must be a positive integer"),
    (dict(dataset="plane"), ValueError, "unknown dataset for classification 'plane'"),
    (dict(problem="regression", dataset="plane"), ValueError, "loss must be 'mse'"),
    (dict(regularization="l3"), ValueError, "unknown regularization"),
    (dict(reg_rate=-1), ValueError, "reg_rate must be a finite number >= 0"),
    (dict(seed=-1), ValueError, "seed must be an integer"),
    (dict(show_test="yes"), TypeError, "show_test must be True or False"),
    (dict(speed=3), TypeError, "unknown setting"),
    (dict(dataset="custom"), ValueError, "data must be given"),
])
def test_bad_settings_refused_by_name(change, error, match):
    with pytest.raises(error, match=match):
        Engine(**change)
    e = Engine(**SMALL)
    e.step(1)
    with pytest.raises(error, match=match):
        e.update(**change)
    assert e.epoch == 1  # a refused change leaves the engine as it was


def test_bad_engine_arguments():
    with pytest.raises(TypeError, match="settings must be a playground Settings"):
        Engine({"lr": 0.1})
    e = Engine(**SMALL)
    with pytest.raises(TypeError, match="epochs must be a positive integer"):
        e.step(1.5)
    with pytest.raises(ValueError, match="resolution must be a positive integer"):
        e.output_map(0)


# -- lessons --------------------------------------------------------------------------------
def test_lesson_round_trip_with_hidden_controls(tmp_path):
    settings = Settings(dataset="spiral", features=["x1", "x2", "sin(x1)"], lr=0.003,
                        hidden_layers=[8, 8, 2], regularization="l2", reg_rate=0.001,
                        optimizer="momentum", seed=7, data_seed=3, show_test=True)
    lesson = Lesson(settings, hidden_controls=["maths", "features", "activation"],
                    title="A spiral, by hand")
    path = lesson.save(tmp_path / "spiral.json")
    loaded = Lesson.load(path)
    assert loaded == lesson and loaded.settings == settings
    assert loaded.hidden_controls == ("features", "activation", "maths")  # HIDEABLE order
    assert loaded.title == "A spiral, by hand"
    a, b = lesson.engine(), loaded.engine()
    a.step(3)
    b.step(3)
    assert same_weights(a, b)
    d = json.loads(path.read_text())
    assert d["format"] == "nnlib-playground-lesson" and d["settings"]["lr"] == 0.003
    assert path.stat().st_size < 2000  # a small file


def test_lesson_with_your_own_data(tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    lesson = Lesson(Settings(features=["x1", "x2"]), data=(X, y))
    loaded = Lesson.load(lesson.save(tmp_path / "mine.json"))
    assert loaded.settings.dataset == "custom"
    np.testing.assert_array_equal(loaded.data[0], X)
    np.testing.assert_array_equal(loaded.data[1], y)
    a, b = lesson.engine(), loaded.engine()
    a.step(2)
    b.step(2)
    assert same_weights(a, b)


def test_every_setting_can_be_stored_and_almost_every_control_hidden():
    assert {"lr", "features", "hidden_layers", "maths", "regenerate"} <= set(HIDEABLE)


@pytest.mark.parametrize("text, match", [
    ("{not json", "is not valid JSON"),
    ('{"format": "other"}', "must be a playground lesson"),
    ('{"format": "nnlib-playground-lesson", "version": 2}', "version must be 1"),
    ('{"format": "nnlib-playground-lesson", "version": 1, "extra": 1}', "unknown entries"),
    ('{"format": "nnlib-playground-lesson", "version": 1, "settings": {"lr": 99}}',
     "lr must be a finite number"),
    ('{"format": "nnlib-playground-lesson", "version": 1, "settings": {"colour": 1}}',
     "unknown setting"),
    ('{"format": "nnlib-playground-lesson", "version": 1, "hidden_controls": ["play"]}',
     "unknown control"),
    ('{"format": "nnlib-playground-lesson", "version": 1, "data": [1]}', "data must be"),
])
def test_bad_lesson_files_refused(tmp_path, text, match):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(LessonFileError, match=match):
        Lesson.load(path)


def test_bad_lesson_arguments():
    with pytest.raises(TypeError, match="hidden_controls must be a list"):
        Lesson(hidden_controls="maths")
    with pytest.raises(TypeError, match="title must be a str"):
        Lesson(title=3)
    with pytest.raises(TypeError, match="settings must be a playground Settings"):
        Lesson({"lr": 1})


# -- pictures as pixels ---------------------------------------------------------------------
def _decode_png(data):
    """Pixels (H, W, 3) of a PNG written by render.png (8-bit RGB, filter 0)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        n, tag = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        assert struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(tag + body)
        chunks[tag] = body
        pos += 12 + n
    W, H = struct.unpack(">II", chunks[b"IHDR"][:8])
    raw = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), np.uint8).reshape(H, 1 + 3 * W)
    assert (raw[:, 0] == 0).all()
    return raw[:, 1:].reshape(H, W, 3)


def test_png_round_trip():
    image = np.random.default_rng(0).integers(0, 256, (7, 5, 3), dtype=np.uint8)
    assert np.array_equal(_decode_png(render.png(image)), image)


def test_colours_and_discretize():
    assert tuple(render.diverging(-1)) == render.ORANGE
    assert tuple(render.diverging(1)) == render.BLUE
    assert tuple(render.diverging(0)) == render.WHITE
    p = np.array([[0.1, 0.45], [0.55, 0.9]])
    soft = render.output_image(p, 2)
    hard = render.output_image(p, 2, discretize=True)
    assert len({tuple(c) for c in soft.reshape(-1, 3)}) == 4
    assert [tuple(c) for c in hard.reshape(-1, 3)] == [render.ORANGE] * 2 + [render.BLUE] * 2
    P3 = np.array([[[0.9, 0.05, 0.05], [1 / 3, 1 / 3, 1 / 3]]])
    three = render.output_image(P3, 3)
    assert tuple(three[0, 1]) == render.WHITE and tuple(three[0, 0]) != render.WHITE


def test_test_points_drawn_only_when_shown():
    hidden, shown, no_test = (Engine(show_test=flag, **SMALL) for flag in (False, True, True))
    no_test.data.X_test, no_test.data.y_test = np.empty((0, 2)), np.empty(0, np.intp)
    without, with_test = pictures.output_picture(hidden), pictures.output_picture(shown)
    assert with_test.shape == without.shape == (300, 300, 3) and (with_test != without).any()
    assert ((with_test == 0).all(axis=2)).any()  # the test points' black rings ...
    assert not ((without == 0).all(axis=2)).any()  # ... drawn only when shown
    assert np.array_equal(without, pictures.output_picture(no_test))  # no test point at all


def test_loss_curves_picture():
    image = render.curves_image([[1.0, 0.5, 0.25], [1.0, 0.7, 0.6]], width=60, height=30)
    assert image.shape == (30, 60, 3)
    assert (image == render.TRAIN_LINE).all(axis=2).any()
    assert (image == render.TEST_LINE).all(axis=2).any()
    assert (render.curves_image([[1.0]]) == 255).all()  # one point: nothing to draw yet


def test_importing_the_engine_needs_no_widgets():
    code = ("import sys, nnlib.playground as p; p.Engine(n_samples=50).step(1); "
            "print(any(m.startswith(('ipywidgets', 'matplotlib')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- the widget's wiring, without a browser (ipywidgets runs headless) ----------------------
@pytest.fixture
def playground():
    pytest.importorskip("ipywidgets")
    from nnlib.playground import Playground

    return Playground(n_samples=200)


def test_widget_shows_a_stable_text_and_a_widget_view(playground):
    bundle = playground._repr_mimebundle_()
    assert bundle["text/plain"] == ("Playground(Engine(four_circles, classification, network "
                                    "4-6-4-1 tanh, adam lr=0.01, epoch 0))")
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert _decode_png(playground.output_image.value).shape == (300, 300, 3)


def test_every_widget_control_reaches_the_engine(playground):
    pg = playground
    new = {"lr": 0.3, "activation": "relu", "regularization": "l2", "reg_rate": 0.01,
           "optimizer": "momentum", "loss": "mse", "dataset": "spiral", "train_percent": 70,
           "noise": 15, "batch_size": 25, "seed": 4, "show_test": True, "discretize": True}
    for name, value in new.items():
        pg.controls[name].value = value
        assert getattr(pg.engine.settings, name) == value, name
    pg.features["sin(x2)"].value = True
    assert pg.engine.settings.features[-1] == "sin(x2)"
    pg.controls["problem"].value = "regression"  # a fitting data set and loss come along
    s = pg.engine.settings
    assert (s.problem, s.dataset, s.loss) == ("regression", "plane", "mse")
    assert pg.controls["loss"].disabled and pg.controls["dataset"].value == "plane"


def test_widget_disables_what_does_not_apply():
    pytest.importorskip("ipywidgets")
    from nnlib.playground import Playground

    regression = Playground(problem="regression", dataset="plane", loss="mse", n_samples=100)
    assert regression.controls["loss"].disabled and not regression.controls["noise"].disabled
    X = np.random.default_rng(0).normal(size=(50, 2))
    own = Playground(data=(X, (X[:, 0] > 0).astype(int)))
    assert own.controls["noise"].disabled and own.controls["dataset"].value == "custom"


def test_widget_buttons(playground):
    pg = playground
    pg.step_button.click()
    assert pg.engine.epoch == 1 and "Epoch 000,001" in pg.epoch_label.value
    pg.layer_buttons.children[0].click()  # add a layer
    assert pg.engine.settings.hidden_layers == (6, 4, 4) and len(pg.unit_images) == 3
    pg.layers_box.children[0].children[0].children[0].click()  # layer 1: one unit fewer
    assert pg.engine.settings.hidden_layers == (5, 4, 4)
    pg.layer_buttons.children[1].click()  # remove the last layer
    assert pg.engine.settings.hidden_layers == (5, 4)
    pg.regenerate.click()
    assert pg.engine.settings.data_seed == 1 and pg.engine.epoch == 0
    pg.step(3)
    pg.reset_button.click()
    assert pg.engine.epoch == 0


def test_widget_play_runs_in_the_event_loop(playground):
    import asyncio

    async def play_a_while():
        playground.play.value = True
        await asyncio.sleep(0.5)
        playground.play.value = False
        await asyncio.sleep(0.1)

    asyncio.run(play_a_while())
    assert playground.engine.epoch >= 2 and playground.frames == playground.engine.epoch
    assert playground.play.description == "▶ play"


def test_widget_play_stops_when_its_last_view_is_gone(playground):
    import asyncio

    async def play_then_lose_the_view():
        playground.widget._view_count = 1  # as the frontend reports once it shows the widget
        playground.play.value = True
        await asyncio.sleep(0.3)
        playground.widget._view_count = 0  # the cell was run again: the view is gone
        await asyncio.sleep(0.3)

    asyncio.run(play_then_lose_the_view())
    assert playground.play.value is False and playground._task.done()
    assert playground.engine.epoch >= 1


def test_widget_play_without_a_kernel_says_so(playground):
    playground.play.value = True
    assert playground.play.value is False and "running Jupyter kernel" in playground.message.value


def test_widget_divergence_message(playground):
    pg = playground
    pg.controls["problem"].value = "regression"
    pg.controls["activation"].value = "linear"
    pg.controls["optimizer"].value = "sgd"
    pg.controls["lr"].value = 1.0
    assert pg.frame() is False
    assert "diverged" in pg.message.value and pg.engine.epoch == 0
    assert _decode_png(pg.output_image.value).shape == (300, 300, 3)


def test_widget_hides_a_lessons_controls_and_saves_lessons(tmp_path):
    pytest.importorskip("ipywidgets")
    from nnlib.playground import Playground

    lesson = Lesson(Settings(n_samples=200), hidden_controls=["lr", "maths", "hidden_layers"],
                    title="T")
    pg = Playground(lesson)
    assert pg.controls["lr"].layout.display == "none" and pg.maths.layout.display == "none"
    assert pg.layer_buttons.layout.display == "none"
    assert pg.controls["activation"].layout.display != "none"
    pg.controls["activation"].value = "relu"
    again = Lesson.load(pg.save_lesson(tmp_path / "t.json"))
    assert again.settings.activation == "relu" and again.hidden_controls == lesson.hidden_controls
    assert repr(Playground(tmp_path / "t.json")).startswith("Playground(T: Engine(")


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(lesson=3), TypeError, "lesson must be a Lesson"),
    (dict(epochs_per_frame=0), ValueError, "epochs_per_frame must be a positive integer"),
    (dict(fps="fast"), TypeError, "fps must be a number"),
    (dict(lr=99), ValueError, "lr must be a finite number"),
])
def test_widget_bad_arguments(kwargs, error, match):
    pytest.importorskip("ipywidgets")
    from nnlib.playground import Playground

    with pytest.raises(error, match=match):
        Playground(**kwargs)


def test_the_benchmark_runs(capsys):
    """benchmarks/bench_playground.py end to end on a tiny size (its timings are not checked)."""
    pytest.importorskip("ipywidgets")
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_playground.py"
    spec = importlib.util.spec_from_file_location("bench_playground", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.main(["--frames", "2", "--repeats", "1"])
    assert result["median"] > 0 and result["epochs"] == 3
    assert "updates/s" in capsys.readouterr().out

"""fit: history, early stopping, divergence, progress display, determinism, dtype, learning."""
import warnings

import numpy as np
import pytest

import nnlib
import nnlib.datasets
from nnlib import SGD, Adam, DataLoader, TrainingDivergedError, fit, mlp

W_TRUE = np.array([2.0, -1.0])


def linear_data(n, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 2))
    return X, scale * (X @ W_TRUE + 1.0)


def blobs(n, seed):
    """Two well separated Gaussian blobs in 2-D, labels 0/1."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    X = rng.standard_normal((n, 2)) * 0.5 + np.where(y[:, None] == 1, 1.5, -1.5)
    return X, y


def train_classifier(seed, epochs=3, dtype=np.float64):
    X, y = blobs(64, seed=5)
    model = mlp([2, 8, 2], "tanh", "softmax", rng=seed, dtype=dtype)
    opt = Adam(model.parameters(), lr=0.01)
    loader = DataLoader(X, y, batch_size=16, shuffle=True, rng=seed)
    history = fit(model, "cross_entropy", opt, loader, epochs)
    return model, opt, history


def test_history_keys_and_lengths():
    X, y = blobs(60, 0)
    Xv, yv = blobs(30, 1)
    model = mlp([2, 4, 2], "tanh", "softmax", rng=0)
    history = fit(model, "cross_entropy", SGD(model.parameters(), lr=0.1),
                  DataLoader(X, y, batch_size=16), 5, validation_data=(Xv, yv),
                  metrics=["accuracy"])
    assert isinstance(history, nnlib.History) and isinstance(history, dict)
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 5 for v in history.values())
    assert history.epochs == 5 and not history.stopped_early
    assert all(isinstance(v, float) for vals in history.values() for v in vals)
    # the last epoch's validation record is the trained model's score on the validation set
    assert history["val_loss"][-1] == pytest.approx(model.evaluate(Xv, yv, "cross_entropy")["loss"],
                                                    rel=1e-12)
    acc = np.mean(model.predict_labels(X) == y)
    assert history["accuracy"][-1] == acc


def test_history_without_validation_and_custom_metric():
    X, y = linear_data(30, 0)
    model = mlp([2, 1], rng=0)
    history = fit(model, "mse", SGD(model.parameters(), lr=0.05), DataLoader(X, y, batch_size=8), 3,
                  metrics={"max_err": lambda y_true, y_hat: np.max(np.abs(y_true - y_hat[:, 0]))})
    assert set(history) == {"loss", "max_err"}
    assert history["max_err"][-1] == pytest.approx(np.max(np.abs(y - model.predict(X)[:, 0])))


def test_epoch_loss_is_sample_weighted_mean_of_batch_losses():
    X, y = linear_data(10, 0)  # batches of 4, 4 and 2
    model, twin = mlp([2, 3, 1], "tanh", rng=0), mlp([2, 3, 1], "tanh", rng=0)
    history = fit(model, "mse", SGD(model.parameters(), lr=0.05), DataLoader(X, y, batch_size=4), 2)
    loss = nnlib.get_loss("mse")
    opt = SGD(twin.parameters(), lr=0.05)
    for epoch in range(2):
        values, sizes = [], []
        for Xb, yb in DataLoader(X, y, batch_size=4):
            values.append(twin.loss_and_gradients(Xb, twin.prepare_targets(yb, loss), loss))
            sizes.append(len(Xb))
            opt.step()
        assert sizes == [4, 4, 2]
        assert history["loss"][epoch] == pytest.approx(np.average(values, weights=sizes), rel=1e-12)
        assert history["loss"][epoch] != pytest.approx(np.mean(values), rel=1e-6)


def run_early_stopping(epochs, patience=None, restore=True):
    # Validation targets are half the training targets, so the model passes the best
    # validation fit on its way to the training fit and the validation loss then rises.
    X, y = linear_data(40, 0)
    Xv, yv = linear_data(20, 1, scale=0.5)
    model = mlp([2, 1], rng=0)
    history = fit(model, "mse", SGD(model.parameters(), lr=0.01), DataLoader(X, y, batch_size=10),
                  epochs, validation_data=(Xv, yv), patience=patience,
                  restore_best_weights=restore)
    return model, history


def test_early_stopping_stops_and_restores_best_weights():
    model, history = run_early_stopping(100, patience=3)
    best = history.best_epoch
    assert history.stopped_early
    assert 1 < best < 20
    assert len(history["loss"]) == best + 3
    assert best == int(np.argmin(history["val_loss"])) + 1
    reference, _ = run_early_stopping(best)  # the same run, stopped at the best epoch
    for a, b in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_early_stopping_without_restore_keeps_last_weights():
    model, history = run_early_stopping(100, patience=3, restore=False)
    reference, _ = run_early_stopping(len(history["loss"]))
    for a, b in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_min_delta_counts_small_gains_as_no_gain():
    X, y = linear_data(40, 0)

    def run(min_delta):
        model = mlp([2, 1], rng=0)
        return fit(model, "mse", SGD(model.parameters(), lr=0.01), DataLoader(X, y, batch_size=10),
                   60, patience=2, min_delta=min_delta)

    plain, coarse = run(0.0), run(0.05)
    assert not plain.stopped_early  # the training loss falls every epoch ...
    assert np.all(np.diff(plain["loss"]) < 0)
    assert coarse.stopped_early  # ... but soon by less than 0.05 an epoch
    best = coarse.best_epoch
    assert len(coarse["loss"]) == best + 2
    assert all(v >= coarse["loss"][best - 1] - 0.05 for v in coarse["loss"][best:])


def test_divergence_raises_with_advice_and_no_warnings():
    X, y = linear_data(50, 0, scale=100.0)
    model = mlp([2, 16, 1], "relu", rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning would fail the test
        with pytest.raises(TrainingDivergedError, match=r"smaller learning rate \(lr=10 now\)"):
            fit(model, "mse", SGD(model.parameters(), lr=10.0), DataLoader(X, y, batch_size=10), 50)
    assert issubclass(TrainingDivergedError, FloatingPointError)


@pytest.mark.parametrize("lr, validation, match", [
    (1e308, False, r"the weights became NaN or infinite at epoch 1"),
    (1e300, True, r"the validation loss became nan at epoch 1"),
])
def test_divergence_on_the_last_step_is_caught(lr, validation, match):
    # one epoch of one batch: the only step blows the weights up after the last training loss
    X, y = linear_data(20, 0, scale=100.0)
    model = mlp([2, 8, 1], "relu", rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TrainingDivergedError, match=match + r".*smaller learning rate"):
            fit(model, "mse", SGD(model.parameters(), lr=lr), DataLoader(X, y, batch_size=20), 1,
                validation_data=(X, y) if validation else None)


def test_verbose_false_prints_nothing(capsys):
    train_classifier(0, epochs=2)
    assert capsys.readouterr().out == ""


def test_verbose_prints_a_line_per_epoch(capsys):
    X, y = blobs(32, 0)
    model = mlp([2, 2], "softmax", "softmax", rng=0)
    fit(model, "cross_entropy", SGD(model.parameters(), lr=0.1), DataLoader(X, y, batch_size=8), 3,
        verbose=True)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and lines[0].startswith("epoch") and "loss" in lines[0]
    fit(model, "cross_entropy", SGD(model.parameters(), lr=0.1), DataLoader(X, y, batch_size=8), 5,
        verbose=2)
    assert len(capsys.readouterr().out.strip().splitlines()) == 3  # epochs 2, 4 and the last


def test_same_seed_bit_identical_different_seed_differs():
    a, _, ha = train_classifier(3)
    b, _, hb = train_classifier(3)
    c, _, _ = train_classifier(4)
    assert ha["loss"] == hb["loss"]
    for wa, wb, wc in zip(a.get_weights(), b.get_weights(), c.get_weights()):
        assert np.array_equal(wa, wb)
        assert not np.array_equal(wa, wc)


def test_library_never_touches_global_random_state():
    np.random.seed(123)
    state = np.random.get_state()
    model, _, _ = train_classifier(0)
    nnlib.Dense(3, 2)  # no rng at all: fresh entropy, still not the global generator
    DataLoader(np.zeros((4, 1)), shuffle=True)
    nnlib.datasets.make_four_circles(10, rng=0)
    nnlib.datasets.make_body_fat(10, rng=0)
    after = np.random.get_state()
    assert state[0] == after[0] and state[2:] == after[2:]
    np.testing.assert_array_equal(state[1], after[1])


@pytest.mark.parametrize("make_opt", [lambda ps: Adam(ps, lr=0.01),
                                      lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-3)])
def test_float32_model_stays_float32(make_opt):
    X, y = blobs(64, 0)  # float64 data
    Xv, yv = blobs(16, 1)
    model = mlp([2, 8, 2], "relu", "softmax", rng=0, dtype=np.float32)
    opt = make_opt(model.parameters())
    fit(model, "cross_entropy", opt, DataLoader(X, y, batch_size=16, shuffle=True, rng=0), 3,
        validation_data=(Xv, yv), metrics=["accuracy"], patience=2)
    for name, value, grad in model.parameters():
        assert value.dtype == np.float32 and grad.dtype == np.float32, name
    assert model.predict(X).dtype == np.float32
    assert model.predict_proba(X).dtype == np.float32
    for state in opt.state.values():
        for arr in state.values():
            assert arr.dtype == np.float32


def test_fit_does_not_modify_caller_arrays():
    X, y = blobs(40, 0)
    Xv, yv = blobs(10, 1)
    copies = [a.copy() for a in (X, y, Xv, yv)]
    model = mlp([2, 4, 2], "relu", "softmax", rng=0)
    fit(model, "cross_entropy", Adam(model.parameters()), DataLoader(X, y, batch_size=8,
        shuffle=True, rng=0), 2, validation_data=(Xv, yv), metrics=["accuracy"])
    for a, b in zip((X, y, Xv, yv), copies):
        np.testing.assert_array_equal(a, b)


def test_mlp_learns_xor_quadrants():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (600, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)  # not linearly separable
    X_train, y_train, X_test, y_test = X[:400], y[:400], X[400:], y[400:]
    model = mlp([2, 16, 16, 2], "tanh", "softmax", rng=0)
    history = fit(model, "cross_entropy", Adam(model.parameters(), lr=0.02),
                  DataLoader(X_train, y_train, batch_size=32, shuffle=True, rng=0), 60,
                  validation_data=(X_test, y_test), metrics=["accuracy"])
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["val_accuracy"][-1] >= 0.95
    assert np.mean(model.predict_labels(X_test) == y_test) >= 0.95


def test_linear_regression_recovers_coefficients():
    X, y = linear_data(200, 0)
    model = mlp([2, 1], rng=0)
    fit(model, "mse", SGD(model.parameters(), lr=0.1), DataLoader(X, y, batch_size=20), 50)
    np.testing.assert_allclose(model.layers[0].params["W"][:, 0], W_TRUE, atol=1e-6)
    np.testing.assert_allclose(model.layers[0].params["b"], [1.0], atol=1e-6)


def test_bce_sigmoid_classifier_learns():
    X, y = blobs(200, 0)
    model = mlp([2, 1], output_activation="sigmoid", rng=0)
    history = fit(model, "bce", SGD(model.parameters(), lr=0.5), DataLoader(X, y, batch_size=20),
                  20, metrics=["accuracy"])
    assert history["accuracy"][-1] >= 0.99


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(epochs=0), ValueError, r"epochs must be a positive integer, got 0"),
    (dict(epochs=2.5), TypeError, r"epochs must be a positive integer, got 2.5"),
    (dict(patience=0), ValueError, r"patience must be a positive integer, got 0"),
    (dict(min_delta=-0.1), ValueError, r"min_delta must be a finite number >= 0, got -0.1"),
    (dict(loss="hinge"), ValueError, r"unknown loss 'hinge'; valid names are"),
    (dict(metrics=["f1"]), ValueError, r"unknown metric 'f1'; valid names are: accuracy, mae, mse, r2"),
    (dict(validation_data=np.zeros((3, 2))), TypeError, r"validation_data must be a pair \(X_val, y_val\)"),
    (dict(validation_data=(np.zeros((3, 5)), np.zeros(3))), ValueError,
     r"validation_data\[0\] must have 2 features \(columns\), got shape \(3, 5\)"),
    (dict(validation_data=(np.zeros((3, 2)), np.array([0, 1, 2]))), ValueError,
     r"y labels must be in \[0, 1\] for 2 outputs, got labels in \[0, 2\]"),
    (dict(validation_data=(np.zeros((3, 2)), np.array([0, 1]))), ValueError,
     r"one row per input sample \(3 rows\), got 2 rows"),
    (dict(validation_data=(np.array([[0.0, np.nan]]), np.array([0]))), ValueError,
     r"validation_data\[0\] must hold only finite values, got 1 NaN or inf"),
    (dict(validation_data=(np.zeros((2, 2)), np.array([0.0, np.inf]))), ValueError,
     r"y must hold only finite values"),
    (dict(validation_data=(np.zeros(2), np.array([0, 1]))), ValueError,
     r"validation_data\[0\] must be 2-D, got a 1-D array"),
])
def test_bad_arguments(kwargs, exc, match):
    X, y = blobs(20, 0)
    model = mlp([2, 2], "softmax", "softmax", rng=0)
    args = dict(loss="cross_entropy", epochs=2)
    args.update(kwargs)
    loss, epochs = args.pop("loss"), args.pop("epochs")
    with pytest.raises(exc, match=match):
        fit(model, loss, SGD(model.parameters()), DataLoader(X, y, batch_size=5), epochs, **args)


def test_bad_loader_data():
    model = mlp([2, 2], "softmax", "softmax", rng=0)
    opt = SGD(model.parameters())
    with pytest.raises(ValueError, match=r"loader must carry targets.*got y=None"):
        fit(model, "cross_entropy", opt, DataLoader(np.zeros((4, 2))), 1)
    with pytest.raises(ValueError, match=r"loader.X must have 2 features \(columns\), got shape \(4, 3\)"):
        fit(model, "cross_entropy", opt, DataLoader(np.zeros((4, 3)), np.zeros(4)), 1)
    with pytest.raises(ValueError, match=r"y labels must be in \[0, 1\] for 2 outputs, got labels in \[0, 5\]"):
        fit(model, "cross_entropy", opt, DataLoader(np.zeros((4, 2)), np.array([0, 1, 5, 1])), 1)


def test_bad_targets_name_the_argument_of_fit_that_held_them():
    X = np.random.default_rng(0).normal(size=(8, 3))
    model = nnlib.mlp([3, 4, 2], "tanh", "softmax", rng=0)
    opt = nnlib.SGD(model.parameters(), lr=0.1)
    loader = nnlib.DataLoader(X, np.array([0, 1] * 4), batch_size=4)
    with pytest.raises(ValueError, match=r"validation_data\[1\].*labels must be in \[0, 1\]"):
        nnlib.fit(model, "cross_entropy", opt, loader, 1, validation_data=(X, np.full(8, 5)))
    bad = nnlib.DataLoader(X, np.array([0, 1, 2, 0, 1, 0, 1, 0]), batch_size=4)
    with pytest.raises(ValueError, match=r"loader\.y.*labels must be in \[0, 1\]"):
        nnlib.fit(model, "cross_entropy", opt, bad, 1)


@pytest.mark.parametrize("make_call, error, match", [
    (lambda m, o, l: fit(None, "mse", o, l, 1), TypeError, "model must be an nnlib model .*got NoneType"),
    (lambda m, o, l: fit(m, "mse", None, l, 1), TypeError, "optimizer must be an nnlib optimizer"),
    (lambda m, o, l: fit(m, "mse", o, (l.X, l.y), 1), TypeError, "loader must be a DataLoader.*got tuple"),
    (lambda m, o, l: fit(m, "mse", o, l, 1, metrics=5), TypeError, "metrics must be a list of names"),
    (lambda m, o, l: fit(m, "mse", o, l, 1, metrics={"f": 3}), TypeError, "metrics must map names .* to functions"),
    (lambda m, o, l: fit(m, "mse", o, l, 1, verbose="yes"), TypeError, "verbose must be True, False or a positive"),
    (lambda m, o, l: fit(m, "mse", o, l, 1, restore_best_weights=None), TypeError, "restore_best_weights must be True or False"),
    (lambda m, o, l: fit(m, "mse", SGD(mlp([2, 1], rng=1).parameters()), l, 1), ValueError,
     "optimizer must be built on this model's parameters"),
])
def test_fit_names_the_argument_of_the_wrong_kind(make_call, error, match):
    X, y = linear_data(10, 0)
    model = mlp([2, 1], rng=0)
    before = model.get_weights()
    with pytest.raises(error, match=match):
        make_call(model, SGD(model.parameters()), DataLoader(X, y))
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_metric_that_returns_no_number_is_named():
    X, y = linear_data(10, 0)
    model = mlp([2, 1], rng=0)
    with pytest.raises(TypeError, match="metric 'f' must return a number, got str"):
        fit(model, "mse", SGD(model.parameters()), DataLoader(X, y), 1,
            metrics={"f": lambda a, b: "x"})


def test_metric_names_in_any_case():
    X, y = linear_data(20, 0)
    model = mlp([2, 1], rng=0)
    history = fit(model, "mse", SGD(model.parameters()), DataLoader(X, y), 2, metrics=["R2", "MSE"])
    assert set(history) == {"loss", "r2", "mse"}


def test_a_validation_set_of_the_wrong_length_is_named():
    X, y = linear_data(20, 0)
    model = mlp([2, 1], rng=0)
    with pytest.raises(ValueError, match=r"validation_data\[1\]: y must have one row per input "
                                         r"sample \(5 rows\), got 4 rows"):
        fit(model, "mse", SGD(model.parameters()), DataLoader(X, y), 1,
            validation_data=(X[:5], y[:4]))


def test_a_flat_loss_stops_after_patience_epochs():
    """A loss that never improves after the first epoch stops exactly ``patience`` epochs later."""
    X, y = linear_data(20, 0)
    model = mlp([2, 1], rng=0)
    history = fit(model, "mse", SGD(model.parameters(), lr=1e-300), DataLoader(X, y), 50,
                  patience=3)
    assert history.stopped_early and history.epochs == 4 and history.best_epoch == 1

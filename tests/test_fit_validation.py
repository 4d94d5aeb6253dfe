"""fit holding out its own validation rows, watching a named metric, and the friendlier core:
output/loss pairings that cannot train, label messages that say what to do."""
import math

import numpy as np
import pytest

import nnlib
import nnlib.model
from nnlib import SGD, Adam, DataLoader, Dense, MultiTask, fit, mlp
from nnlib.training import EarlyStopping, split_rows


def blobs(n, k=3, seed=0, weights=None):
    """k Gaussian blobs in 2-D with labels 0..k-1 drawn with the given class weights."""
    rng = np.random.default_rng(seed)
    y = rng.choice(k, size=n, p=weights)
    centres = np.stack([np.cos(2 * np.pi * np.arange(k) / k), np.sin(2 * np.pi * np.arange(k) / k)],
                       axis=1) * 2
    return centres[y] + 0.5 * rng.standard_normal((n, 2)), y


# -- holding out validation rows ---------------------------------------------------------------
def test_split_rows_holds_out_ceil_fraction_sorted_and_disjoint():
    kept, held = split_rows(10, 0.25, np.random.default_rng(0))
    assert len(held) == math.ceil(2.5) == 3 and len(kept) == 7
    assert np.all(np.diff(kept) > 0) and np.all(np.diff(held) > 0)
    np.testing.assert_array_equal(np.sort(np.concatenate([kept, held])), np.arange(10))


def test_split_rows_keeps_class_proportions():
    classes = np.repeat([0, 1, 2], [60, 30, 10])
    _, held = split_rows(100, 0.2, np.random.default_rng(0), classes)
    assert np.bincount(classes[held]).tolist() == [12, 6, 2]
    # Shares that are not whole rows: 0.15 * (7, 7, 6) = 1.05, 1.05, 0.9 -> 20 rows hold out 3,
    # and the class whose share lost most in rounding (0.9 -> 0) gets the third.
    classes = np.repeat([0, 1, 2], [7, 7, 6])
    _, held = split_rows(20, 0.15, np.random.default_rng(0), classes)
    assert np.bincount(classes[held], minlength=3).tolist() == [1, 1, 1]


def test_split_rows_is_seeded():
    a = split_rows(50, 0.3, np.random.default_rng(4))[1]
    b = split_rows(50, 0.3, np.random.default_rng(4))[1]
    c = split_rows(50, 0.3, np.random.default_rng(5))[1]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("loss, stratified", [("cross_entropy", True), ("bce", True),
                                              ("mse", False)])
def test_fit_with_a_fraction_is_fit_on_the_rest_with_the_rest_as_validation(loss, stratified):
    """Bit for bit the same as splitting by hand (stratified for classification losses) and
    passing the held-out rows as validation_data."""
    X, y = blobs(60, k=2 if loss != "cross_entropy" else 3, weights=None)
    out = {"cross_entropy": ("softmax", 3), "bce": ("sigmoid", 1), "mse": ("identity", 1)}[loss]
    targets = y.astype(float) if loss != "cross_entropy" else y

    def run(**how):
        model = mlp([2, 5, out[1]], "tanh", out[0], rng=0)
        history = fit(model, loss, Adam(model.parameters(), lr=0.01),
                      DataLoader(*how.pop("data"), batch_size=8, shuffle=True, rng=1), 4, **how)
        return model, history

    model, history = run(data=(X, targets), validation_fraction=0.2, rng=3)
    kept, held = split_rows(60, 0.2, np.random.default_rng(3), y if stratified else None)
    twin, twin_history = run(data=(X[kept], targets[kept]),
                             validation_data=(X[held], targets[held]))
    for a, b in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert history == twin_history and history["val_loss"]


def test_the_split_defaults_to_the_loaders_generator():
    X, y = blobs(40)

    def run():
        model = mlp([2, 4, 3], "tanh", "softmax", rng=0)
        fit(model, "cross_entropy", SGD(model.parameters(), lr=0.1),
            DataLoader(X, y, batch_size=8, shuffle=True, rng=9), 3, validation_fraction=0.25)
        return model.get_weights()

    for a, b in zip(run(), run()):
        np.testing.assert_array_equal(a, b)


def test_multitask_rows_are_held_out_for_every_head():
    X, y = blobs(40)
    model = MultiTask([Dense(2, 4, "tanh", rng=0)],
                      {"cls": Dense(4, 3, "softmax", rng=1), "reg": Dense(4, 1, rng=2)})
    history = fit(model, {"cls": "cross_entropy", "reg": "mse"}, Adam(model.parameters()),
                  DataLoader(X, {"cls": y, "reg": X[:, 0]}, batch_size=8), 2,
                  validation_fraction=0.25, metrics={"cls": ["accuracy"]},
                  monitor="val_cls_accuracy", patience=5)
    assert history.monitor == "val_cls_accuracy" and len(history["val_cls_accuracy"]) == 2


@pytest.mark.parametrize("fraction, error, match", [
    (0.0, ValueError, r"validation_fraction must be a finite number in \(0, 1\), got 0.0"),
    (1.0, ValueError, r"validation_fraction must be a finite number in \(0, 1\), got 1.0"),
    (float("nan"), ValueError, r"validation_fraction must be a finite number in \(0, 1\)"),
    ("10%", TypeError, r"validation_fraction must be a number, got '10%'"),
    (0.99, ValueError, r"validation_fraction must leave at least one training row: 0.99 of 20 "
                       r"rows holds out 20"),
])
def test_bad_fractions_are_refused_by_name(fraction, error, match):
    X, y = blobs(20)
    model = mlp([2, 3], "tanh", "softmax", rng=0)
    with pytest.raises(error, match=match):
        fit(model, "cross_entropy", SGD(model.parameters()), DataLoader(X, y), 1,
            validation_fraction=fraction)


def test_a_fraction_and_validation_data_together_are_refused():
    X, y = blobs(20)
    model = mlp([2, 3], "tanh", "softmax", rng=0)
    with pytest.raises(ValueError, match="validation_data and validation_fraction cannot both"):
        fit(model, "cross_entropy", SGD(model.parameters()), DataLoader(X, y), 1,
            validation_data=(X, y), validation_fraction=0.2)


def test_drop_last_batches_larger_than_the_kept_rows_are_explained():
    X, y = blobs(20)
    model = mlp([2, 3], "tanh", "softmax", rng=0)
    with pytest.raises(ValueError, match=r"validation_fraction=0.5 leaves 10 training rows: "
                                         r"batch_size must be <= the number of samples \(10\)"):
        fit(model, "cross_entropy", SGD(model.parameters()),
            DataLoader(X, y, batch_size=16, drop_last=True), 1, validation_fraction=0.5)


# -- watching a named metric -------------------------------------------------------------------
def test_early_stopping_on_a_score_where_higher_is_better():
    stopper = EarlyStopping(patience=3, higher_is_better=True)
    seen = [stopper.improved(v, e) for e, v in enumerate([0.5, 0.6, 0.6, 0.55, 0.6], start=1)]
    assert seen == [True, True, False, False, False]  # a tie is no gain
    assert stopper.should_stop and stopper.best_epoch == 2 and stopper.best == 0.6
    stopper = EarlyStopping(patience=2, min_delta=0.05, higher_is_better=True)
    assert [stopper.improved(v, e) for e, v in enumerate([0.5, 0.54, 0.56], 1)] == [
        True, False, True]


def test_fit_watches_validation_accuracy_and_restores_its_best_epoch():
    X, y = blobs(90, seed=1)
    Xv, yv = blobs(30, seed=2)
    model = mlp([2, 8, 3], "tanh", "softmax", rng=0)
    history = fit(model, "cross_entropy", Adam(model.parameters(), lr=0.05),
                  DataLoader(X, y, batch_size=16, shuffle=True, rng=0), 200,
                  validation_data=(Xv, yv), metrics=["accuracy"], monitor="val_accuracy",
                  patience=4)
    acc = history["val_accuracy"]
    best = history.best_epoch
    assert history.stopped_early and history.epochs == best + 4
    assert acc[best - 1] == max(acc) and acc.index(max(acc)) == best - 1  # the first maximum
    assert nnlib.accuracy(yv, model.predict_labels(Xv)) == acc[best - 1]  # its weights restored


def test_fit_watches_a_training_metric():
    X, y = blobs(40)
    model = mlp([2, 4, 3], "tanh", "softmax", rng=0)
    history = fit(model, "cross_entropy", SGD(model.parameters(), lr=0.1), DataLoader(X, y), 3,
                  metrics=["accuracy"], monitor="accuracy", patience=10)
    assert history.monitor == "accuracy" and history.best_epoch is not None


@pytest.mark.parametrize("how, error, match", [
    (dict(monitor="val_accuracy"), ValueError,
     r"monitor 'val_accuracy' needs validation data: give validation_data or "
     r"validation_fraction, or watch 'accuracy'"),
    (dict(monitor="val_acc", validation_fraction=0.2), ValueError,
     r"monitor must end in one of \['accuracy', 'loss', 'mae', 'mse', 'r2'\] .*got 'val_acc'"),
    (dict(monitor="val_accuracy", validation_fraction=0.2), ValueError,
     r"monitor must name a record fit keeps, one of \['val_loss'\] with these metrics, got "
     r"'val_accuracy'; add the metric to metrics=\[...\]"),
    (dict(monitor=3), TypeError, r"monitor must be the name of a record"),
])
def test_bad_monitors_are_refused_before_training(how, error, match):
    X, y = blobs(20)
    model = mlp([2, 3], "tanh", "softmax", rng=0)
    before = model.get_weights()
    with pytest.raises(error, match=match):
        fit(model, "cross_entropy", SGD(model.parameters()), DataLoader(X, y), 1, **how)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


# -- output/loss pairings ----------------------------------------------------------------------
@pytest.mark.parametrize("output, units, loss, reason", [
    ("identity", 3, "cross_entropy", "cross-entropy needs one probability per class"),
    ("sigmoid", 3, "cross_entropy", "cross-entropy needs one probability per class"),
    ("softmax", 1, "bce", "a softmax over one unit outputs 1 whatever its input"),
    ("softmax", 1, "mse", "a softmax over one unit outputs 1 whatever its input"),
    ("tanh", 1, "bce", "binary cross-entropy needs probabilities in \\(0, 1\\)"),
    ("relu", 2, "bce", "binary cross-entropy needs probabilities in \\(0, 1\\)"),
])
def test_pairings_that_cannot_train_are_refused_with_the_ones_that_can(output, units, loss,
                                                                        reason):
    model = mlp([2, 4, units], "tanh", output, rng=0)
    X, y = blobs(12, k=2)
    with pytest.raises(ValueError, match=rf"cannot train this model's output layer \({units} "
                                         rf"'{output}' unit.*{reason}.*Pairings that work: "
                                         r"identity \+ mse.*sigmoid \+ binary_cross_entropy.*"
                                         r"softmax over K >= 2 units \+ cross_entropy"):
        fit(model, loss, SGD(model.parameters()), DataLoader(X, y), 1)
    with pytest.raises(ValueError, match="Pairings that work"):
        model.evaluate(X, y, loss)


@pytest.mark.parametrize("output", ["sigmoid", "tanh", "softmax", "relu", "identity"])
def test_mse_trains_any_output_without_a_word(output, no_warnings):
    model = mlp([2, 4, 2], "tanh", output, rng=0)
    X, _ = blobs(12)
    fit(model, "mse", SGD(model.parameters()), DataLoader(X, np.zeros((12, 2))), 1)


def test_an_unusual_pairing_is_reported_once(monkeypatch):
    monkeypatch.setattr(nnlib.model, "_WARNED", set())
    model = mlp([2, 4, 3], "tanh", "softmax", rng=0)
    X, y = blobs(12)
    with pytest.warns(UserWarning, match="binary cross-entropy on a softmax over 3 units trains, "
                                         "but is an unusual pair") as seen:
        for _ in range(3):
            fit(model, "bce", SGD(model.parameters()), DataLoader(X, np.eye(3)[y]), 1)
    assert len(seen) == 1
    assert seen[0].filename == __file__  # it points at the line that called fit, not into nnlib


def test_a_multitask_head_that_cannot_train_is_named():
    model = MultiTask([Dense(2, 4, "tanh", rng=0)], {"cls": Dense(4, 3, "identity", rng=1)})
    with pytest.raises(ValueError, match=r"head 'cls': loss 'cross_entropy' cannot train"):
        model.resolve_loss({"cls": "cross_entropy"})


# -- label messages that say what to do ---------------------------------------------------------
def test_labels_not_numbered_from_zero_get_the_fix():
    model = mlp([2, 3], "tanh", "softmax", rng=0)
    X, y = blobs(12)
    with pytest.raises(ValueError, match=r"loader.y: y labels must be in \[0, 2\] for 3 outputs, "
                                         r"got labels in \[1, 3\].*Renumber other labels with "
                                         r"classes, y = np.unique\(y, return_inverse=True\)"):
        fit(model, "cross_entropy", SGD(model.parameters()), DataLoader(X, y + 1), 1)


def test_a_label_column_gets_the_fix():
    model = mlp([2, 3], "tanh", "softmax", rng=0)
    X, y = blobs(12)
    with pytest.raises(ValueError, match=r"y must be class labels of shape \(N,\) or one-hot rows "
                                         r"of shape \(N, 3\), got one column of shape \(12, 1\): "
                                         r"pass the labels as a 1-D array, y.ravel\(\)"):
        model.evaluate(X, y[:, None], "cross_entropy")


@pytest.mark.parametrize("loss", ["cross_entropy", "bce"])
def test_text_labels_get_the_fix(loss):
    model = mlp([2, 3 if loss == "cross_entropy" else 1], "tanh",
                "softmax" if loss == "cross_entropy" else "sigmoid", rng=0)
    X, y = blobs(12)
    names = np.array(["cat", "dog", "emu"])[y]
    with pytest.raises(TypeError, match=r"y must hold class labels numbered 0, 1, ..., K-1, got "
                                        r"text labels such as '\w+': number them first with "
                                        r"classes, y = np.unique\(y, return_inverse=True\).*"
                                        r"NNClassifier"):
        model.evaluate(X, names, loss)
    with pytest.raises(TypeError, match="text labels such as"):
        nnlib.get_loss(loss).value(np.full((3, 1), 0.5), ["a", "b", "a"])


def test_two_classes_not_zero_and_one_get_the_fix():
    model = mlp([2, 1], "tanh", "sigmoid", rng=0)
    X, y = blobs(12, k=2)
    with pytest.raises(ValueError, match=r"y must hold values in \[0, 1\] for binary "
                                         r"cross-entropy, got values in \[1.0, 2.0\].*map two "
                                         r"classes to 0 and 1 first"):
        model.evaluate(X, y + 1, "bce")


def test_fit_given_arrays_instead_of_a_loader_says_so():
    model = mlp([2, 3], "tanh", "softmax", rng=0)
    X, y = blobs(12)
    with pytest.raises(TypeError, match=r"loader must be a DataLoader, e.g. DataLoader\(X, y, "
                                        r"batch_size=32\), got ndarray"):
        fit(model, "cross_entropy", SGD(model.parameters()), X, 1)

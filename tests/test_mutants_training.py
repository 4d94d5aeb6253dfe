"""fit: which weights it ends with, which way early stopping looks, what a divergence report
says, the progress line, the held-out split, and the wording of its refusals."""
import numpy as np
import pytest

from nnlib import DataLoader, MultiTask, SGD, TrainingDivergedError, fit, mlp
from nnlib.losses import BinaryCrossEntropy
from nnlib.training import EarlyStopping, _class_of_each_row, split_rows


class Scripted:
    """An optimizer that does what ``move`` says to the weights (and has the attributes given)."""

    def __init__(self, params, move, **attributes):
        self.params = params
        self.move = move
        self.__dict__.update(attributes)

    def step(self):
        for _, v, _ in self.params:
            self.move(v)


def _data(n=4):
    return np.ones((n, 2)), np.zeros(n)


def _zeroed(model):
    model.set_weights([np.zeros_like(w) for w in model.get_weights()])
    return model


def test_without_early_stopping_fit_ends_with_the_last_weights():
    model = _zeroed(mlp([2, 1], rng=0))
    optimizer = Scripted(model.parameters(), lambda v: v.__iadd__(1.0), lr=0.1)
    history = fit(model, "mse", optimizer, DataLoader(*_data()), epochs=3)
    assert history.best_epoch == 1  # the loss only grows: epoch 1 was the best
    for w in model.get_weights():
        np.testing.assert_array_equal(w, 3.0)


def test_early_stopping_on_accuracy_looks_for_the_highest():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 2))
    y = (X[:, 0] > 0).astype(float)
    model = mlp([2, 1], output_activation="sigmoid", rng=0)
    model.set_weights([np.array([[-1.0], [0.0]]), np.zeros(1)])  # starts out all wrong
    history = fit(model, "binary_cross_entropy", SGD(model.parameters(), lr=0.5),
                  DataLoader(X, y, batch_size=40), epochs=8, validation_data=(X, y),
                  metrics=["accuracy"], monitor="val_accuracy", patience=8)
    acc = history["val_accuracy"]
    assert max(acc) > min(acc) == acc[0]
    assert history.best_epoch == 1 + int(np.argmax(acc))


def test_early_stopping_defaults_to_lower_is_better():
    stopper = EarlyStopping(patience=1)
    assert stopper.improved(1.0, 1) and stopper.improved(0.5, 2)
    assert not stopper.improved(0.7, 3) and stopper.should_stop


def test_divergence_reports_name_the_batch_and_the_learning_rate():
    model = mlp([2, 1], rng=0)
    nan = Scripted(model.parameters(), lambda v: v.fill(np.nan), lr=0.25)
    with pytest.raises(TrainingDivergedError, match=r"^the training loss became nan at epoch 1, "
                                                    r"batch 2: .*\(lr=0.25 now\)"):
        fit(model, "mse", nan, DataLoader(*_data(4), batch_size=2), epochs=1)
    model = mlp([2, 1], rng=0)
    nan = Scripted(model.parameters(), lambda v: v.fill(np.nan), lr="cosine")
    with pytest.raises(TrainingDivergedError, match=r"^the weights became NaN or infinite at "
                                                    r"epoch 1: .*\(lr='cosine' now\)"):
        fit(model, "mse", nan, DataLoader(*_data(4), batch_size=4), epochs=1)
    model = mlp([2, 1], rng=0)
    nan = Scripted(model.parameters(), lambda v: v.fill(np.nan))  # an optimizer without lr
    with pytest.raises(TrainingDivergedError, match=r"\(lr=None now\)"):
        fit(model, "mse", nan, DataLoader(*_data(4), batch_size=4), epochs=1)


def test_a_validation_loss_that_overflows_is_a_divergence():
    model = mlp([2, 1], rng=0)
    X, y = _data()
    with pytest.raises(TrainingDivergedError, match=r"^the validation loss became inf at epoch "
                                                    r"1: .*\(lr=0.01 now\)"):
        fit(model, "mse", SGD(model.parameters()), DataLoader(X, y), epochs=1,
            validation_data=(np.full((2, 2), 1e300), np.zeros(2)))


def test_progress_line_reads_as_documented(capsys):
    model = _zeroed(mlp([2, 1], rng=0))  # weights that stay 0: every loss is exactly 1
    still = Scripted(model.parameters(), lambda v: None, lr=0.1)
    X, y = np.ones((2, 2)), np.ones(2)
    fit(model, "mse", still, DataLoader(X, y), epochs=1, validation_data=(X, y), verbose=True)
    assert capsys.readouterr().out == "epoch    1  loss 1.0000  val_loss 1.0000\n"


def test_held_out_rows_follow_the_largest_remainders():
    classes = np.array([0] * 6 + [1] * 4)
    # 3 of 10 rows: shares 1.8 and 1.2, so class 0 (remainder 0.8) gets the extra row
    _, held = split_rows(10, 0.25, np.random.default_rng(0), classes)
    assert np.bincount(classes[held]).tolist() == [2, 1]


def test_soft_yes_no_targets_are_not_stratified():
    bce = BinaryCrossEntropy()
    assert _class_of_each_row(bce, np.array([[0.0], [0.3], [1.0]])) is None
    np.testing.assert_array_equal(_class_of_each_row(bce, np.array([[0.0], [1.0]])), [0, 1])


def test_tuple_targets_with_a_held_out_fraction():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((8, 2))
    model = MultiTask(mlp([2, 3], rng=0), {"a": mlp([3, 1], rng=1), "b": mlp([3, 1], rng=2)})
    history = fit(model, {"a": "mse", "b": "mse"}, SGD(model.parameters()),
                  DataLoader(X, (X[:, 0], X[:, 1]), batch_size=4), epochs=1,
                  validation_fraction=0.25, rng=0)
    assert {"loss", "val_loss", "val_a_loss", "val_b_loss"} <= set(history)


def _fit(**kwargs):
    model = mlp([2, 1], rng=0)
    args = dict(model=model, loss="mse", optimizer=SGD(model.parameters()),
                loader=DataLoader(*_data()), epochs=1)
    args.update(kwargs)
    return fit(**args)


class StepOnly:
    def step(self):
        pass


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(model=3), TypeError, r"\(Sequential, MultiTask or mlp\(\.\.\.\)\), got int$"),
    (dict(optimizer=StepOnly()), TypeError, r"^optimizer must be an nnlib optimizer such as "
                                            r"SGD\(model.parameters\(\)\), got StepOnly$"),
    (dict(optimizer=SGD(mlp([2, 1], rng=0).parameters())), ValueError,
     r"^optimizer must be built on this model's parameters \(optimizer = "
     r"SGD\(model.parameters\(\), \.\.\.\)\), got one built on other arrays$"),
    (dict(verbose=-1), TypeError, r"^verbose must be True, False or a positive number of "
                                  r"epochs, got -1$"),
    (dict(loader=DataLoader(_data()[0])), ValueError,
     r"^loader must carry targets: build it as DataLoader\(X, y, \.\.\.\), got y=None$"),
    (dict(validation_data=(np.ones((2, 2)), np.zeros(2), None)), TypeError,
     r"^validation_data must be a pair \(X_val, y_val\), got tuple$"),
    (dict(validation_data=(np.ones((2, 2)), np.zeros(2)), validation_fraction=0.5), ValueError,
     r"^validation_data and validation_fraction cannot both be given: validation_fraction "
     r"holds out part of the loader's rows itself$"),
    (dict(monitor=3), TypeError, r"such as 'val_loss' or 'val_accuracy', got int$"),
    (dict(monitor="accuracy"), ValueError, r"^monitor must name a record fit keeps, one of "
                                           r"\['loss'\] with these metrics"),
])
def test_refusals_read_as_documented(kwargs, error, message):
    with pytest.raises(error, match=message):
        _fit(**kwargs)


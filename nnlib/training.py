"""The training loop: batches -> forward -> loss -> backward -> optimizer step, epoch after epoch."""
import math

import numpy as np

from ._checks import errors_prefixed, non_negative_float, positive_int
from .data import DataLoader
from .model import Model


class TrainingDivergedError(FloatingPointError):
    """The training loss became NaN or infinite."""


class History(dict):
    """Per-epoch records: ``history['loss'][e]`` is the mean training loss of epoch e + 1.

    Keys: ``loss``, one per training metric, and ``val_loss`` and ``val_<metric>`` when there is
    validation data. ``best_epoch`` (1-based) and ``stopped_early`` describe early stopping.
    """

    best_epoch = None
    stopped_early = False

    @property
    def epochs(self):
        return len(self.get("loss", []))


def _diverged(what, optimizer):
    lr = getattr(optimizer, "lr", None)
    # Three significant digits: an lr computed as 0.1 * 3 prints as 0.3, not 0.30000000000000004.
    shown = f"{lr:.3g}" if isinstance(lr, (int, float)) else repr(lr)
    raise TrainingDivergedError(f"{what}: the weights have diverged. Try a smaller learning rate "
                                f"(lr={shown} now), or standardise the inputs and targets.")


def _targets(model, y, loss, n, name):
    """``model.prepare_targets`` whose errors say which of fit's arguments held the targets."""
    with errors_prefixed(name):
        return model.prepare_targets(y, loss, n=n)


class EarlyStopping:
    """Watch one number per epoch; say when it has not improved by ``min_delta`` for
    ``patience`` epochs in a row (``patience=None``: never stop, only track the best epoch)."""

    def __init__(self, patience=None, min_delta=0.0):
        self.patience = None if patience is None else positive_int(patience, "patience")
        self.min_delta = non_negative_float(min_delta, "min_delta")
        self.best, self.best_epoch, self.waited = math.inf, None, 0

    def improved(self, value, epoch):
        """Record ``value`` for ``epoch``; True if it is the best so far (by ``min_delta``)."""
        if value < self.best - self.min_delta:
            self.best, self.best_epoch, self.waited = value, epoch, 0
            return True
        self.waited += 1
        return False

    @property
    def should_stop(self):
        return self.patience is not None and self.waited >= self.patience


def _check_fit_arguments(model, optimizer, loader, metrics, verbose):
    """Refuse the wrong kind of object for each argument of ``fit``, by name."""
    if not isinstance(model, Model):
        raise TypeError(f"model must be an nnlib model (Sequential, MultiTask or mlp(...)), "
                        f"got {type(model).__name__}")
    if not callable(getattr(optimizer, "step", None)) or not hasattr(optimizer, "params"):
        raise TypeError(f"optimizer must be an nnlib optimizer such as "
                        f"SGD(model.parameters()), got {type(optimizer).__name__}")
    own = {id(v) for _, v, _ in model.parameters()}
    if not all(id(v) in own for _, v, _ in optimizer.params):
        # An optimizer built on another model would "train" without moving this one.
        raise ValueError("optimizer must be built on this model's parameters "
                         "(optimizer = SGD(model.parameters(), ...)), got one built on "
                         "other arrays")
    if not isinstance(loader, DataLoader):
        raise TypeError(f"loader must be a DataLoader, e.g. DataLoader(X, y, batch_size=32), "
                        f"got {type(loader).__name__}")
    model.check_metrics(metrics)
    if not isinstance(verbose, (bool, int)) or (verbose is not True and verbose < 0):
        raise TypeError(f"verbose must be True, False or a positive number of epochs, "
                        f"got {verbose!r}")


def _train_epoch(model, loss, optimizer, loader, X, Y, epoch):
    """One pass over the batches: forward, loss, backward, step. Returns the epoch's mean loss."""
    total, count = 0.0, 0
    for batch, (Xb, Yb) in enumerate(loader.batches(X, Y), start=1):
        value = model.loss_and_gradients(Xb, Yb, loss)
        if not math.isfinite(value):
            _diverged(f"the training loss became {value} at epoch {epoch}, batch {batch}",
                      optimizer)
        optimizer.step()
        total += value * len(Xb)
        count += len(Xb)
    # The epoch's last step can overflow the weights before any training loss sees it.
    if not all(np.isfinite(v).all() for _, v, _ in model.parameters()):
        _diverged(f"the weights became NaN or infinite at epoch {epoch}", optimizer)
    return total / count


def _epoch_record(model, loss, optimizer, train_loss, train_data, validation, metrics, epoch):
    """The epoch's numbers: its mean training loss, training metrics, validation loss/metrics."""
    record = {"loss": train_loss}
    if metrics:
        scores = model.evaluate(*train_data, loss, metrics)
        record.update({k: v for k, v in scores.items() if k != "loss"})
    if validation is not None:
        scores = model.evaluate(*validation, loss, metrics)
        if not math.isfinite(scores["loss"]):
            _diverged(f"the validation loss became {scores['loss']} at epoch {epoch}", optimizer)
        record.update({f"val_{k}": v for k, v in scores.items()})
    return record


def fit(model, loss, optimizer, loader, epochs, *, validation_data=None, metrics=(),
        patience=None, min_delta=0.0, restore_best_weights=True, verbose=False):
    """Train ``model`` in place and return its ``History``.

    model:            a ``Sequential`` (or ``MultiTask``) model.
    loss:             a loss name or object (a dict of them, one per head, for ``MultiTask``).
    optimizer:        built on ``model.parameters()``; its ``step`` runs after every batch.
    loader:           a ``DataLoader`` over the training data, with targets.
    epochs:           the number of passes over the training data.
    validation_data:  ``(X_val, y_val)``, evaluated at the end of each epoch.
    metrics:          names (``['accuracy']``, ``['r2']``) or ``{name: fn(y_true, y_hat)}``,
                      computed on the whole training set (and on the validation set) per epoch.
    patience:         stop after this many epochs without an improvement of more than
                      ``min_delta`` in the validation loss (the training loss if no validation
                      data); ``None`` turns early stopping off.
    restore_best_weights: with early stopping, end with the weights of the best epoch.
    verbose:          False (silent), True (a line per epoch) or k (a line every k epochs).

    The inputs and targets are checked and cast to the model's dtype once, here, so the loop
    itself does no conversions. A NaN or infinite loss raises ``TrainingDivergedError``.
    """
    # 1. Check every argument once.
    _check_fit_arguments(model, optimizer, loader, metrics, verbose)
    epochs = positive_int(epochs, "epochs")
    stopper = EarlyStopping(patience, min_delta)
    if not isinstance(restore_best_weights, bool):
        raise TypeError(f"restore_best_weights must be True or False, "
                        f"got {restore_best_weights!r}")
    loss = model.resolve_loss(loss)
    if loader.y is None:
        raise ValueError("loader must carry targets: build it as DataLoader(X, y, ...), got y=None")
    X = model.check_X(loader.X, "loader.X")
    Y = _targets(model, loader.y, loss, len(X), "loader.y")
    validation = _check_validation(model, loss, validation_data)
    keep_best = patience is not None and restore_best_weights

    # 2. The loop: train an epoch, record it, decide whether to stop.
    history = History(loss=[])
    monitor = "val_loss" if validation is not None else "loss"
    best_weights = None
    # Overflow on the way to divergence is reported once, by TrainingDivergedError, instead of
    # as a stream of RuntimeWarnings.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(1, epochs + 1):
            train_loss = _train_epoch(model, loss, optimizer, loader, X, Y, epoch)
            record = _epoch_record(model, loss, optimizer, train_loss, (X, loader.y),
                                   validation, metrics, epoch)
            for k, v in record.items():
                history.setdefault(k, []).append(v)
            _print_progress(record, epoch, epochs, int(verbose))
            if stopper.improved(record[monitor], epoch) and keep_best:
                best_weights = model.get_weights()
            if stopper.should_stop:
                history.stopped_early = True
                break
    history.best_epoch = stopper.best_epoch
    if best_weights is not None:
        model.set_weights(best_weights)
    return history


def _check_validation(model, loss, validation_data):
    """``(X_val, y_val)`` with X_val checked and cast, or None; the targets are checked now
    so that a mistake fails before the first epoch, not after it."""
    if validation_data is None:
        return None
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
        raise TypeError("validation_data must be a pair (X_val, y_val), "
                        f"got {type(validation_data).__name__}")
    X_val, y_val = validation_data
    X_val = model.check_X(X_val, "validation_data[0]")
    _targets(model, y_val, loss, len(X_val), "validation_data[1]")
    return X_val, y_val


def _print_progress(record, epoch, epochs, every):
    """A line of the epoch's numbers every ``every`` epochs and at the last (0: silent)."""
    if every and (epoch % every == 0 or epoch == epochs):
        print(f"epoch {epoch:4d}  " + "  ".join(f"{k} {v:.4f}" for k, v in record.items()))

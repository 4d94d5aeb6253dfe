"""The training loop: batches -> forward -> loss -> backward -> optimizer step, epoch by epoch."""
import math

import numpy as np

from ._checks import as_rng, errors_prefixed, non_negative_float, positive_int, real_number
from .data import DataLoader, take_rows
from .losses import BinaryCrossEntropy, CrossEntropy
from .model import Model


class TrainingDivergedError(FloatingPointError):
    """The training loss became NaN or infinite."""


class History(dict):
    """Per-epoch records: ``history['loss'][e]`` is the mean training loss of epoch e + 1.

    Keys: ``loss``, one per training metric, and ``val_loss`` and ``val_<metric>`` when there is
    validation data. ``monitor`` names the record early stopping watched, ``best_epoch``
    (1-based) is its best epoch and ``stopped_early`` says whether it ended the training.
    """

    monitor = None
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


# Which way is better, by the last word of a record's name ("val_accuracy", "area_r2", ...).
HIGHER_IS_BETTER = {"accuracy": True, "r2": True, "loss": False, "mse": False, "mae": False}


class EarlyStopping:
    """Watch one number per epoch; say when it has not improved by more than ``min_delta`` for
    ``patience`` epochs in a row (``patience=None``: never stop, only track the best epoch).

    An epoch improves when it beats the best so far by more than ``min_delta`` (a tie never
    does); only such an epoch becomes the new best. ``higher_is_better`` for scores such as
    accuracy, else lower is better (losses).
    """

    def __init__(self, patience=None, min_delta=0.0, higher_is_better=False):
        self.patience = None if patience is None else positive_int(patience, "patience")
        self.min_delta = non_negative_float(min_delta, "min_delta")
        self.higher_is_better = bool(higher_is_better)
        self.best = -math.inf if self.higher_is_better else math.inf
        self.best_epoch, self.waited = None, 0

    def improved(self, value, epoch):
        """Record ``value`` for ``epoch``; True if it is the best so far (by ``min_delta``)."""
        if self.higher_is_better:
            better = value > self.best + self.min_delta
        else:
            better = value < self.best - self.min_delta
        if better:
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
        n = len(Xb)
        total += value * n
        count += n
    # The epoch's last step can overflow the weights before any training loss sees it. The
    # optimizer's own list of the arrays it moves: building model.parameters() anew would cost
    # more than the check.
    if not all(np.isfinite(v).all() for _, v, _ in optimizer.params):
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


def fit(model, loss, optimizer, loader, epochs, *, validation_data=None, validation_fraction=None,
        metrics=(), monitor=None, patience=None, min_delta=0.0, restore_best_weights=True,
        rng=None, verbose=False):
    """Train ``model`` in place and return its ``History``.

    model:            a ``Sequential`` (or ``MultiTask``) model.
    loss:             a loss name or object (a dict of them, one per head, for ``MultiTask``).
    optimizer:        built on ``model.parameters()``; its ``step`` runs after every batch.
    loader:           a ``DataLoader`` over the training data, with targets.
    epochs:           the number of passes over the training data.
    validation_data:  ``(X_val, y_val)``, evaluated at the end of each epoch.
    validation_fraction: instead of ``validation_data``, hold out this fraction (in (0, 1)) of
                      the loader's rows, ceil(fraction * N) of them, and train on the rest. The
                      split is stratified by class for cross-entropy and for binary
                      cross-entropy with one output, and drawn with ``rng``.
    metrics:          names (``['accuracy']``, ``['r2']``) or ``{name: fn(y_true, y_hat)}``,
                      computed on the whole training set (and on the validation set) per epoch.
    monitor:          the record early stopping watches: ``'val_loss'`` (the default with
                      validation data), ``'loss'`` (the default without), or a metric such as
                      ``'val_accuracy'`` or ``'val_r2'`` (higher is better for accuracy and r2,
                      lower for loss, mse and mae: the name's last word decides).
    patience:         stop after this many epochs in a row in which ``monitor`` did not improve
                      on its best by more than ``min_delta``; ``None`` turns early stopping off.
                      scikit-learn's ``n_iter_no_change=k`` stops only when its count of such
                      epochs exceeds k, that is after k + 1 of them: it is ``patience=k + 1``
                      (and its ``tol`` is ``min_delta``).
    restore_best_weights: with early stopping, end with the weights of the best epoch.
    rng:              seed or Generator that picks the held-out rows of ``validation_fraction``
                      (None: the loader's own generator).
    verbose:          False (silent), True (a line per epoch) or k (a line every k epochs).

    The inputs and targets are checked and cast to the model's dtype once, here, so the loop
    itself does no conversions. A NaN or infinite loss raises ``TrainingDivergedError``.
    """
    # 1. Check every argument once; hold out validation rows if asked.
    _check_fit_arguments(model, optimizer, loader, metrics, verbose)
    epochs = positive_int(epochs, "epochs")
    if not isinstance(restore_best_weights, bool):
        raise TypeError(f"restore_best_weights must be True or False, "
                        f"got {restore_best_weights!r}")
    loss = model.resolve_loss(loss)
    if loader.y is None:
        raise ValueError("loader must carry targets: build it as DataLoader(X, y, ...), got y=None")
    X = model.check_X(loader.X, "loader.X")
    Y = _targets(model, loader.y, loss, len(X), "loader.y")
    train = (loader, X, Y, loader.y)
    if validation_fraction is None:
        validation = _check_validation(model, loss, validation_data)
    else:
        train, validation = _hold_out(train, loss, validation_fraction, validation_data, rng)
    loader, X, Y, y_raw = train
    stopper, monitor = _stopping_rule(model, loss, monitor, patience, min_delta, metrics,
                                      validation, (X, y_raw))
    keep_best = patience is not None and restore_best_weights

    # 2. The loop: train an epoch, record it, decide whether to stop.
    history = History(loss=[])
    history.monitor = monitor
    best_weights = None
    # Overflow on the way to divergence is reported once, by TrainingDivergedError, instead of
    # as a stream of RuntimeWarnings.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(1, epochs + 1):
            train_loss = _train_epoch(model, loss, optimizer, loader, X, Y, epoch)
            record = _epoch_record(model, loss, optimizer, train_loss, (X, y_raw),
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


def _class_of_each_row(loss, Y):
    """The class of each row (N,) to stratify on, or None where rows have no single class:
    regression, several yes/no labels per row, or soft yes/no targets."""
    if isinstance(loss, CrossEntropy):
        return np.argmax(Y, axis=1)  # the label, or the likeliest class of a soft target
    if isinstance(loss, BinaryCrossEntropy) and Y.shape[1] == 1:
        return Y[:, 0] if np.all((Y == 0) | (Y == 1)) else None
    return None


def split_rows(n, fraction, rng, classes=None):
    """Indices ``(train, held_out)`` (each sorted) that hold out ceil(fraction * n) of n rows.

    With ``classes`` (n,), every class gives its share of the held-out rows (largest
    remainders round the shares to whole rows), so both parts keep the class proportions.
    """
    n_out = math.ceil(fraction * n)
    if n_out >= n:
        raise ValueError(f"validation_fraction must leave at least one training row: "
                         f"{fraction} of {n} rows holds out {n_out}")
    if classes is None:
        held = rng.permutation(n)[:n_out]
    else:
        names, labels = np.unique(classes, return_inverse=True)
        counts = np.bincount(labels, minlength=len(names))
        share = n_out * counts / n
        take = np.floor(share).astype(int)
        # Give the rows still missing to the classes whose share lost the most in rounding.
        take[np.argsort(take - share, kind="stable")[:n_out - take.sum()]] += 1
        held = np.concatenate([rng.permutation(np.flatnonzero(labels == k))[:take[k]]
                               for k in range(len(names))])
    mask = np.zeros(n, dtype=bool)
    mask[held] = True
    return np.flatnonzero(~mask), np.flatnonzero(mask)


def _hold_out(train, loss, fraction, validation_data, rng):
    """Split the loader's rows into training rows (a new loader over them) and validation."""
    loader, X, Y, y_raw = train
    if validation_data is not None:
        raise ValueError("validation_data and validation_fraction cannot both be given: "
                         "validation_fraction holds out part of the loader's rows itself")
    fraction = real_number(fraction, "validation_fraction", "in (0, 1)", lambda v: 0 < v < 1)
    rng = loader.rng if rng is None else as_rng(rng)
    classes = None if isinstance(loss, dict) else _class_of_each_row(loss, Y)
    kept, held = split_rows(len(X), fraction, rng, classes)
    with errors_prefixed(f"validation_fraction={fraction} leaves {len(kept)} training rows"):
        kept_loader = DataLoader(X[kept], take_rows(y_raw, kept), batch_size=loader.batch_size,
                                 shuffle=loader.shuffle, drop_last=loader.drop_last,
                                 rng=loader.rng)
    train = (kept_loader, X[kept], take_rows(Y, kept), take_rows(y_raw, kept))
    return train, (X[held], take_rows(y_raw, held))


def _stopping_rule(model, loss, monitor, patience, min_delta, metrics, validation, train_data):
    """The ``EarlyStopping`` watching ``monitor``, and the checked record name it watches."""
    if monitor is None:
        monitor = "val_loss" if validation is not None else "loss"
    if not isinstance(monitor, str):
        raise TypeError(f"monitor must be the name of a record such as 'val_loss' or "
                        f"'val_accuracy', got {type(monitor).__name__}")
    on_validation = monitor.startswith("val_")
    if on_validation and validation is None:
        raise ValueError(f"monitor {monitor!r} needs validation data: give validation_data or "
                         f"validation_fraction, or watch {monitor[4:]!r}")
    direction = HIGHER_IS_BETTER.get(monitor.rsplit("_", 1)[-1].lower())
    if direction is None:
        raise ValueError(f"monitor must end in one of {sorted(HIGHER_IS_BETTER)} (so that fit "
                         f"knows whether higher is better), got {monitor!r}")
    if monitor not in ("loss", "val_loss"):
        # One evaluation now lists the records an epoch will hold, so a name that would never
        # be recorded fails before any training.
        name = monitor[4:] if on_validation else monitor
        recorded = model.evaluate(*(validation if on_validation else train_data), loss, metrics)
        if name not in recorded:
            prefix = "val_" if on_validation else ""
            raise ValueError(f"monitor must name a record fit keeps, one of "
                             f"{[prefix + k for k in recorded]} with these metrics, got "
                             f"{monitor!r}; add the metric to metrics=[...] to record it")
    return EarlyStopping(patience, min_delta, higher_is_better=direction), monitor


def _print_progress(record, epoch, epochs, every):
    """A line of the epoch's numbers every ``every`` epochs and at the last (0: silent)."""
    if every and (epoch % every == 0 or epoch == epochs):
        print(f"epoch {epoch:4d}  " + "  ".join(f"{k} {v:.4f}" for k, v in record.items()))

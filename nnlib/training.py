"""The training loop: batches -> forward -> loss -> backward -> optimizer step, epoch after epoch."""
import math

import numpy as np

from ._checks import non_negative_float, positive_int


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
    # Three significant digits: an lr computed as, say, 0.1 * 3 prints as 0.3, not 0.30000000000000004.
    shown = f"{lr:.3g}" if isinstance(lr, (int, float)) else repr(lr)
    raise TrainingDivergedError(f"{what}: the weights have diverged. Try a smaller learning rate "
                                f"(lr={shown} now), or standardise the inputs and targets.")


def _targets(model, y, loss, n, name):
    """``model.prepare_targets`` whose errors say which of fit's arguments held the targets."""
    try:
        return model.prepare_targets(y, loss, n=n)
    except (ValueError, TypeError) as exc:
        raise type(exc)(f"{name}: {exc}") from None


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
    epochs = positive_int(epochs, "epochs")
    if patience is not None:
        patience = positive_int(patience, "patience")
    min_delta = non_negative_float(min_delta, "min_delta")
    loss = model.resolve_loss(loss)
    if loader.y is None:
        raise ValueError("loader must carry targets: build it as DataLoader(X, y, ...), got y=None")
    X = model.check_X(loader.X, "loader.X")
    Y = _targets(model, loader.y, loss, len(X), "loader.y")
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise TypeError("validation_data must be a pair (X_val, y_val), "
                            f"got {type(validation_data).__name__}")
        X_val, y_val = validation_data
        X_val = model.check_X(X_val, "validation_data[0]")
        _targets(model, y_val, loss, len(X_val), "validation_data[1]")  # fail now, not later
    every = int(verbose)

    history = History(loss=[])
    monitor = "val_loss" if validation_data is not None else "loss"
    best, best_weights, waited = math.inf, None, 0
    # Overflow on the way to divergence is reported once, by TrainingDivergedError, instead of
    # as a stream of RuntimeWarnings.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(1, epochs + 1):
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
            record = {"loss": total / count}
            if metrics:
                train = model.evaluate(X, loader.y, loss, metrics)
                record.update({k: v for k, v in train.items() if k != "loss"})
            if validation_data is not None:
                val = model.evaluate(X_val, y_val, loss, metrics)
                if not math.isfinite(val["loss"]):
                    _diverged(f"the validation loss became {val['loss']} at epoch {epoch}",
                              optimizer)
                record.update({f"val_{k}": v for k, v in val.items()})
            for k, v in record.items():
                history.setdefault(k, []).append(v)
            if every and (epoch % every == 0 or epoch == epochs):
                print(f"epoch {epoch:4d}  " + "  ".join(f"{k} {v:.4f}" for k, v in record.items()))

            current = record[monitor]
            if current < best - min_delta:
                best, waited, history.best_epoch = current, 0, epoch
                if patience is not None and restore_best_weights:
                    best_weights = model.get_weights()
            else:
                waited += 1
            if patience is not None and waited >= patience:
                history.stopped_early = True
                break
    if best_weights is not None:
        model.set_weights(best_weights)
    return history

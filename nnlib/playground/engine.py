"""The playground's engine: data, features, network, training step by step, and the values of
every picture. Plain Python and NumPy; no user interface.

Shapes: a data set's points ``X`` are (N, 2); the network sees their features (N, F); a picture
of the plane is sampled on a G x G grid whose row 0 is the top edge (largest x2) and column 0
the left edge (smallest x1), as an image is stored.
"""
import math

import numpy as np

from .. import SGD, Adam, DataLoader, accuracy, get_loss, mlp
from .._checks import as_rng, positive_int
from ..metrics import output_to_labels
from . import datasets
from .features import FEATURES, feature_matrix
from .rules import update_rule
from .settings import CUSTOM, Settings

# Settings whose change keeps the network and its weights; any other change rebuilds it.
LIVE = frozenset({"lr", "batch_size", "optimizer", "loss", "regularization", "reg_rate",
                  "show_test", "discretize"})
DATA = frozenset({"problem", "dataset", "n_samples", "noise", "train_percent", "data_seed"})
# A playground network that trains sensibly keeps its weights within about +-100; one that has
# grown past this bound is running away, even before it overflows to inf or NaN.
WEIGHT_LIMIT = 1e6
MOMENTUM = 0.9
GRID_BLOCK = 4096  # rows of the picture grid pushed through the network at once


class Engine:
    """One playground: a data set, a network on chosen features, and its training so far.

    ``Engine(settings, data=None, **changes)``: ``settings`` is a ``Settings`` (default: the
    opening lesson), ``changes`` override single settings, and ``data = (X, y)`` trains on your
    own points, X (N, 2) and y (N,). The same settings and seeds give the same run, bit for bit.
    """

    def __init__(self, settings=None, data=None, **changes):
        settings = Settings() if settings is None else settings
        if not isinstance(settings, Settings):
            raise TypeError(f"settings must be a playground Settings, "
                            f"got {type(settings).__name__}")
        if data is not None:
            changes.setdefault("dataset", CUSTOM)
        settings = settings.replace(**changes)
        self._user_data = None
        if data is not None:
            self._user_data = datasets.check_user_data(data, settings.problem)[:2]
        if settings.dataset == CUSTOM and self._user_data is None:
            raise ValueError("data must be given as (X, y) when dataset is 'custom', got None")
        if self._user_data is not None and settings.dataset != CUSTOM:
            raise ValueError(f"dataset must be 'custom' when data is given, "
                             f"got {settings.dataset!r}")
        self.settings = settings
        self._make_data()
        self._build()

    # -- building ---------------------------------------------------------------------------
    def _make_data(self):
        s = self.settings
        rng = as_rng(s.data_seed)
        if s.dataset == CUSTOM:
            # Checked again for the problem now chosen: labels for classification.
            X, y, k = datasets.check_user_data(self._user_data, s.problem)
            self.data = datasets.split(X, y, s.train_percent, k, datasets.user_extent(X), rng)
        else:
            self.data = datasets.generate(s.problem, s.dataset, s.n_samples, s.noise,
                                          s.train_percent, rng)

    @property
    def data_is_custom(self):
        """True for an engine built on the user's own (X, y)."""
        return self._user_data is not None

    @property
    def user_data(self):
        """The user's own ``(X, y)`` (copies made at the start), or None."""
        return None if self._user_data is None else tuple(a.copy() for a in self._user_data)

    @property
    def n_classes(self):
        """K for classification, 0 for regression."""
        return self.data.n_classes

    def _build(self):
        """A fresh network from the seed, and the training state at epoch 0."""
        s, k = self.settings, self.data.n_classes
        weights_seed, order_seed = np.random.SeedSequence(s.seed).spawn(2)
        n_out = 1 if k <= 2 else k
        out_act = "identity" if k == 0 else ("sigmoid" if k == 2 else "softmax")
        self.model = mlp([len(s.features), *s.hidden_layers, n_out], s.activation,
                         out_act, rng=np.random.default_rng(weights_seed))
        self._order_rng = np.random.default_rng(order_seed)
        T = feature_matrix(s.features, self.data.X_train)
        sd = T.std(axis=0)
        self._scaling = (T.mean(axis=0), np.where(sd > 0, sd, 1.0))  # a constant feature: sd 1
        self._grids = {}
        mean, scale = self._scaling
        self._X_train = (T - mean) / scale  # what _features gives, without computing T again
        self._X_test = self._features(self.data.X_test)
        self.epoch = 0
        self.message = None
        self.grad_norms = None
        self._set_loss()
        self._set_loader()
        self._new_optimizer()
        self.history = {"train_loss": [], "test_loss": []}
        if k:
            self.history.update(train_accuracy=[], test_accuracy=[])
        self._record()

    def _features(self, X):
        """The network's input for points X (N, 2): the chosen features (N, F), each
        standardised with the training set's mean and standard deviation."""
        mean, sd = self._scaling
        return (feature_matrix(self.settings.features, X) - mean) / sd

    def _set_loss(self):
        """The loss for the settings, and the targets prepared once as it wants them."""
        self.loss = _loss_for(self.settings.loss, self.data.n_classes)
        self._Y_train = self._targets(self.data.y_train)
        self._Y_test = self._targets(self.data.y_test)

    def _set_loader(self):
        """Shuffled batches of the training set, drawn from the seed's batch-order stream."""
        self._loader = DataLoader(self._X_train, self._Y_train,
                                  batch_size=self.settings.batch_size, shuffle=True,
                                  rng=self._order_rng)

    def _targets(self, y):
        if self.loss.name == "mse" and self.n_classes > 2:
            y = np.eye(self.n_classes)[y]
        return self.model.prepare_targets(y, self.loss, n=len(y))

    def _new_optimizer(self):
        s, params = self.settings, self.model.parameters()
        if s.optimizer == "adam":
            self.optimizer = Adam(params, lr=s.lr)
        else:
            self.optimizer = SGD(params, lr=s.lr, momentum=MOMENTUM if s.optimizer == "momentum"
                                 else 0.0)

    # -- controls ---------------------------------------------------------------------------
    def update(self, **changes):
        """Change settings by name; returns 'kept' if the weights were kept, else 'rebuilt'.

        lr, batch size, optimizer, loss and regularisation act from the next step on, on the
        same weights (a new optimizer starts with empty state); any other change rebuilds the
        network, and a change of the data's settings the data too. A refused change raises
        ValueError or TypeError and leaves the engine as it was.
        """
        new = self.settings.replace(**changes)
        if new.dataset == CUSTOM and self._user_data is None:
            raise ValueError("data must be given as (X, y) when dataset is 'custom': build the "
                             "engine as Engine(data=(X, y))")
        changed = {k for k in changes if getattr(new, k) != getattr(self.settings, k)}
        if new.dataset == CUSTOM and changed & {"problem", "dataset"}:
            # Your data checked for the problem before anything changes, so that a refusal
            # (regression values are no class labels) leaves the engine as it was.
            datasets.check_user_data(self._user_data, new.problem)
        self.settings = new
        if changed <= LIVE:
            if "loss" in changed:
                self._set_loss()
                self._rerecord()
            if changed & {"loss", "batch_size"}:
                self._set_loader()  # it holds the targets
            if "optimizer" in changed:
                self._new_optimizer()
            self.optimizer.lr = new.lr
            return "kept"
        if changed & DATA:
            self._make_data()
        self._build()
        return "rebuilt"

    def reset(self):
        """Back to epoch 0: the same initial weights and batch order (the seed decides them)."""
        self._build()

    def regenerate(self):
        """New data from the next data seed, and a fresh network on it."""
        return self.update(data_seed=self.settings.data_seed + 1)

    # -- training ---------------------------------------------------------------------------
    def step(self, epochs=1):
        """Train ``epochs`` passes over the training set; returns True if all went well.

        On divergence (a non-finite loss, or a weight beyond ``WEIGHT_LIMIT``) the weights go
        back to where the failed epoch began, ``message`` says what happened, and False is
        returned; training can go on after a smaller learning rate is chosen.
        """
        epochs = positive_int(epochs, "epochs")
        self.message = None
        for _ in range(epochs):
            start = self.model.get_weights()
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                problem = self._train_epoch() or self._record()
            if problem is not None:
                self.model.set_weights(start)
                self._new_optimizer()  # its moments may hold inf or NaN by now
                self.message = (f"Training diverged in epoch {self.epoch + 1}: {problem}. The "
                                f"network is shown as it was before that epoch. Try a smaller "
                                f"learning rate (now {self.settings.lr:g}).")
                return False
            self.epoch += 1
        return True

    def _train_epoch(self):
        """One pass over shuffled batches; returns None, or what went wrong."""
        s, layers = self.settings, self.model.layers
        flat = [values for values, _, _ in self.model.parameters().groups]
        for Xb, Yb in self._loader.batches(self._X_train, self._Y_train):
            value = self.model.loss_and_gradients(Xb, Yb, self.loss)
            if not math.isfinite(value):
                return f"the training loss became {_nonfinite(value)}"
            if s.reg_rate and s.regularization != "none":
                self._penalise(layers)
            else:
                self.optimizer.step()
            # Checked at every step, so that a run-away is caught while the numbers are still
            # finite, the same way on every machine (not as an overflow somewhere later).
            if not all(np.abs(v).max() <= WEIGHT_LIMIT for v in flat):  # NaN fails too
                return f"a weight grew beyond ±{WEIGHT_LIMIT:g}"
        self.grad_norms = [math.sqrt(float(np.vdot(l.grads["W"], l.grads["W"]))
                                     + float(np.vdot(l.grads["b"], l.grads["b"])))
                           for l in layers]
        return None

    def _penalise(self, layers):
        """The step with the penalty's gradient on every W (the biases are not penalised).

        L2, penalty λ/2 Σ W²: g = ∂L/∂W + λ W. L1, penalty λ Σ |W|: g = ∂L/∂W + λ sign(W), and a
        weight that the step would carry across 0 stops at 0 (TensorFlow Playground's rule), so
        a weight the data do not hold up ends at exactly 0 instead of flickering around it.
        """
        rate, l1 = self.settings.reg_rate, self.settings.regularization == "l1"
        Ws = [layer.params["W"] for layer in layers]
        before = [np.sign(W) for W in Ws] if l1 else None
        # The penalty's gradient: sign(W) for L1 (kept for after the step), W itself for L2.
        for layer, g in zip(layers, before if l1 else Ws):
            layer.grads["W"] += rate * g
        self.optimizer.step()
        if l1:
            for W, sign in zip(Ws, before):
                W[W * sign < 0] = 0.0

    def _evaluate(self, X, Y, y):
        """Data loss (no penalty) and, for classification, accuracy on one whole set."""
        y_hat = self.model.forward(X)
        value = self.model.output_value(Y, self.loss)
        acc = accuracy(y, output_to_labels(y_hat)) if self.n_classes else None
        return value, acc

    def _record(self):
        """Append the losses (and accuracies) of the weights now; returns None, or, leaving the
        history as it was, what went wrong."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            scores = {"train": self._evaluate(self._X_train, self._Y_train, self.data.y_train),
                      "test": self._evaluate(self._X_test, self._Y_test, self.data.y_test)}
        for value, _ in scores.values():
            if not math.isfinite(value):
                return f"the loss became {_nonfinite(value)}"
        for name, (value, acc) in scores.items():
            self.history[f"{name}_loss"].append(value)
            if acc is not None:
                self.history[f"{name}_accuracy"].append(acc)
        return None

    def _rerecord(self):
        """After a change of loss, the current epoch's losses in the new loss."""
        for values in self.history.values():
            values.pop()
        self._record()

    # -- what the pictures and panels show ----------------------------------------------------
    def grid(self, resolution):
        """Points of a G x G grid over the picture's square, (G*G, 2), top row first."""
        G = positive_int(resolution, "resolution")
        lo, hi = self.data.extent
        xs = np.linspace(lo, hi, G)
        X1, X2 = np.meshgrid(xs, xs[::-1])
        return np.column_stack([X1.ravel(), X2.ravel()])

    def layer_maps(self, resolution=50):
        """Every layer's output over the grid: a list of (G, G, M) arrays, hidden layers first
        and the network's output last."""
        G = positive_int(resolution, "resolution")
        if G not in self._grids:  # emptied by _build, which any change of features calls
            self._grids[G] = self._features(self.grid(G))
        P = self._grids[G]
        maps = [np.empty((G * G, layer.n_out)) for layer in self.model.layers]
        # In blocks of rows: one product this small runs fastest on one BLAS thread, and
        # OpenBLAS would start several for the whole grid at once.
        for start in range(0, len(P), GRID_BLOCK):
            self.model.forward(P[start:start + GRID_BLOCK])
            for out, layer in zip(maps, self.model.layers):
                out[start:start + GRID_BLOCK] = layer.cache["A"]
        return [m.reshape(G, G, -1) for m in maps]

    def output_map(self, resolution=100):
        """The output over the grid: p(class 1) (G, G) for two classes, the K probabilities
        (G, G, K) for more, the predicted value (G, G) for regression."""
        out = self.layer_maps(resolution)[-1]
        return out if self.n_classes > 2 else out[:, :, 0]

    def unit_maps(self, resolution=50):
        """What each hidden unit computes over the grid: one (G, G, H) array per hidden layer."""
        return self.layer_maps(resolution)[:-1]

    def feature_maps(self, resolution=50):
        """Every available feature over the grid: {name: (G, G)}, chosen or not."""
        G = positive_int(resolution, "resolution")
        P = self.grid(G)
        return {name: f(P).reshape(G, G) for name, f in FEATURES.items()}

    def update_rule(self):
        """The loss and the update rule in use, with their numbers, as text."""
        return update_rule(self.settings, self.loss.name, self.n_classes)

    def state(self):
        """The numbers beside the pictures: epoch, last losses and accuracies, gradient norms."""
        out = {"epoch": self.epoch, "message": self.message, "grad_norms": self.grad_norms}
        out.update({k: v[-1] for k, v in self.history.items()})
        return out

    def __repr__(self):
        s = self.settings
        sizes = "-".join(map(str, [len(s.features), *s.hidden_layers, self.model.n_out]))
        return (f"Engine({s.dataset}, {s.problem}, network {sizes} {s.activation}, "
                f"{s.optimizer} lr={s.lr:g}, epoch {self.epoch})")


def _loss_for(name, n_classes):
    """The nnlib loss for a choice of the control: cross-entropy is binary or categorical."""
    if name == "cross_entropy":
        return get_loss("bce" if n_classes == 2 else "cross_entropy")
    return get_loss("mse")


def _nonfinite(value):
    return "NaN (not a number)" if math.isnan(value) else "infinite"

"""scikit-learn estimators made of nnlib's pieces: ``mlp``, ``DataLoader``, an optimizer, ``fit``.

    from nnlib.estimators import NNClassifier, NNRegressor

They work wherever scikit-learn expects an estimator (``Pipeline``, ``cross_val_score``,
``GridSearchCV``, ``clone``, pickling). Their hyperparameters are named as in ``MLPClassifier``
and ``MLPRegressor`` where they mean the same, with the same defaults, so
``NNClassifier(**settings)`` and ``MLPClassifier(**settings)`` train the same recipe. This module
imports scikit-learn; ``import nnlib`` does not.

What still differs from scikit-learn's MLP, by design or by size:
* ``init``: the hidden layers' initialiser (scikit-learn always draws Glorot-uniform weights and
  biases; nnlib starts biases at zero). The default, ``'xavier'``, is Glorot-uniform: notebook 10
  measures why He's wider draws lose on small data.
* ``alpha`` is the same L2 penalty, alpha / (2 B) ||W||^2 per batch of B rows, given to the
  optimizer as weight decay; nnlib's optimizers decay the biases too (by alpha / B, about 3e-6
  per step at the defaults) and use the nominal B for a short last batch.
* ``solver='sgd'`` is heavy-ball momentum with a constant learning rate (scikit-learn's default
  is Nesterov's momentum); ``'lbfgs'`` is not offered (nnlib trains on mini-batches only).
* Early stopping maps exactly: scikit-learn's ``n_iter_no_change=k`` stops after k + 1 epochs
  without a gain of more than ``tol``, which is ``fit(..., patience=k + 1, min_delta=tol)``.
  One corner differs: scikit-learn also moves its best score to a gain smaller than ``tol``
  (counted as no gain), where nnlib keeps the best of the last counted gain.
* The loss curve is nnlib's loss without the L2 term (scikit-learn adds it).
"""
import math
import numbers

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data
except ImportError as exc:  # validate_data is new in scikit-learn 1.6
    raise ImportError(f"nnlib.estimators needs scikit-learn >= 1.6 ({exc})") from None

from ._checks import float_dtype, lookup, non_negative_float, positive_float, positive_int
from ._checks import real_number, warn, zero_to_below_one
from .data import DataLoader
from .layers import INITIALIZERS
from .model import mlp
from .optimizers import SGD, Adam
from .training import fit

# scikit-learn's activation names, and nnlib's own, for the hidden layers.
ACTIVATION_NAMES = {"identity": "identity", "logistic": "sigmoid", "sigmoid": "sigmoid",
                    "tanh": "tanh", "relu": "relu", "leaky_relu": "leaky_relu", "elu": "elu",
                    "silu": "silu"}
SOLVERS = {"adam": Adam, "sgd": SGD}


class _NNEstimator(BaseEstimator):
    """What the classifier and the regressor share: hyperparameters, the recipe, the fitted
    attributes. Subclasses say what the output layer, the loss and the score are."""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate_init=0.001, max_iter=200,
                 tol=1e-4, early_stopping=False, validation_fraction=0.1, n_iter_no_change=10,
                 momentum=0.9, random_state=None, init="xavier", dtype="float64",
                 verbose=False):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.tol = tol
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.momentum = momentum
        self.random_state = random_state
        self.init = init
        self.dtype = dtype
        self.verbose = verbose

    # -- the recipe ---------------------------------------------------------------------------
    def _train(self, X, y, n_out, output_activation, loss, score):
        """Build and train ``model_`` (``n_out`` output units) on X (N, D) and prepared targets
        y (N,) or (N, K); set the fitted attributes. With ``early_stopping`` the validation rows'
        ``score`` ('accuracy' or 'r2') is watched, else the training loss (as scikit-learn)."""
        hidden, activation = self._checked_settings()
        batch_size = self._batch_size(len(X))
        weights_rng, shuffle_rng, split_rng = _generators(self.random_state)
        model = mlp([X.shape[1], *hidden, n_out], activation, output_activation,
                    init=self.init, rng=weights_rng, dtype=self.dtype)
        optimizer = self._optimizer(model, loss, batch_size, n_out)
        loader = DataLoader(X, y, batch_size=batch_size, shuffle=True, rng=shuffle_rng)
        if self.early_stopping:
            watch = dict(validation_fraction=self.validation_fraction, metrics=[score],
                         monitor=f"val_{score}", restore_best_weights=True, rng=split_rng)
        else:
            watch = dict(monitor="loss", restore_best_weights=False)
        history = fit(model, loss, optimizer, loader, self.max_iter,
                      patience=self.n_iter_no_change + 1, min_delta=self.tol,
                      verbose=self.verbose, **watch)
        self.model_, self.history_ = model, history
        self.loss_curve_ = list(history["loss"])
        self.validation_scores_ = list(history[f"val_{score}"]) if self.early_stopping else None
        self.n_iter_ = history.epochs
        if not history.stopped_early:
            warn(f"{type(self).__name__}: max_iter={self.max_iter} epochs reached before "
                 f"{history.monitor} stopped improving", ConvergenceWarning)
        return self

    def _optimizer(self, model, loss, batch_size, n_out):
        """``solver`` on the model's parameters, with ``alpha`` as weight decay.

        scikit-learn's penalty alpha / (2 B) ||W||^2 adds alpha W / B to the gradient of its
        loss. nnlib's mse, a mean over the K outputs, is 2 / K times scikit-learn's half
        squared error summed over them, so its decay is scaled alike; the cross-entropies are
        the same in both libraries.
        """
        solver = lookup(SOLVERS, self.solver, "solver")
        lr = positive_float(self.learning_rate_init, "learning_rate_init")
        decay = non_negative_float(self.alpha, "alpha") / batch_size
        if loss == "mse":
            decay *= 2.0 / n_out
        if solver is SGD:
            return SGD(model.parameters(), lr=lr, weight_decay=decay,
                       momentum=zero_to_below_one(self.momentum, "momentum"))
        return Adam(model.parameters(), lr=lr, weight_decay=decay)

    def _checked_settings(self):
        """The hidden widths as a tuple and the nnlib activation name, after checking the
        settings ``_optimizer`` and ``_batch_size`` do not: each error names its setting."""
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
            sizes = (sizes,)
        if not isinstance(sizes, (tuple, list, np.ndarray)) or np.ndim(sizes) != 1:
            raise TypeError(f"hidden_layer_sizes must be a tuple of positive integers such as "
                            f"(64, 64), got {type(sizes).__name__}")
        hidden = tuple(positive_int(s, f"hidden_layer_sizes[{i}]") for i, s in enumerate(sizes))
        activation = lookup(ACTIVATION_NAMES, self.activation, "activation")
        lookup(INITIALIZERS, self.init, "init")
        float_dtype(self.dtype)
        positive_int(self.max_iter, "max_iter")
        positive_int(self.n_iter_no_change, "n_iter_no_change")
        non_negative_float(self.tol, "tol")
        if not isinstance(self.early_stopping, (bool, np.bool_)):
            raise TypeError(f"early_stopping must be True or False, got {self.early_stopping!r}")
        return hidden, activation

    def _batch_size(self, n):
        """Rows per batch for n rows: 'auto' is min(200, training rows), and a batch is never
        larger than the training rows (scikit-learn clips it alike)."""
        n_train = n
        if self.early_stopping:
            fraction = real_number(self.validation_fraction, "validation_fraction", "in (0, 1)",
                                   lambda v: 0 < v < 1)
            n_val = math.ceil(fraction * n)
            if n_val < 2 or n_val >= n:
                raise ValueError(f"validation_fraction={fraction} holds out {n_val} of {n} rows: "
                                 f"early stopping needs at least 2 validation rows and 1 "
                                 f"training row; change validation_fraction or add data")
            n_train = n - n_val
        if isinstance(self.batch_size, str) and self.batch_size == "auto":
            return min(200, n_train)
        return min(positive_int(self.batch_size, "batch_size"), n_train)

    # -- scikit-learn's protocol --------------------------------------------------------------
    def _checked_X(self, X, reset):
        return validate_data(self, X, reset=reset, dtype=float_dtype(self.dtype))


class NNClassifier(ClassifierMixin, _NNEstimator):
    """A multi-layer perceptron classifier: labels of any kind (N,) -> classes, probabilities.

    Two classes: one sigmoid output unit with binary cross-entropy; K > 2 classes: a softmax over
    K units with cross-entropy. ``predict_proba`` is (N, n_classes) either way. Early stopping
    watches the validation accuracy (``early_stopping=True``) or the training loss.

    Fitted attributes: ``classes_``, ``n_features_in_``, ``loss_curve_``, ``validation_scores_``,
    ``n_iter_``, ``model_`` (the trained nnlib model) and ``history_`` (its ``History``).
    """

    def fit(self, X, y):
        """Train on X (N, D) and labels y (N,); returns self."""
        X, y = validate_data(self, X, y, dtype=float_dtype(self.dtype))
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"y must hold at least 2 classes to tell apart, got 1 class: "
                             f"{self.classes_[0]!r}")
        if len(self.classes_) == 2:  # one sigmoid unit gives p(second class)
            return self._train(X, codes.astype(self.dtype), 1, "sigmoid",
                               "binary_cross_entropy", "accuracy")
        return self._train(X, codes, len(self.classes_), "softmax", "cross_entropy", "accuracy")

    def predict_proba(self, X):
        """Class probabilities (N, n_classes), columns in the order of ``classes_``."""
        check_is_fitted(self)
        P = self.model_.predict(self._checked_X(X, reset=False))
        if P.shape[1] == 1:  # p(second class) -> [1 - p, p]
            return np.hstack([1 - P, P])
        return P

    def predict(self, X):
        """The likeliest class of each row (N,), as one of ``classes_``."""
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class NNRegressor(RegressorMixin, _NNEstimator):
    """A multi-layer perceptron regressor: X (N, D) -> y (N,) or (N, K), identity output, mse.

    ``predict`` is (N,) for one target and (N, K) for K. Early stopping watches the validation
    R² (``early_stopping=True``) or the training loss. Fitted attributes as ``NNClassifier``'s,
    without ``classes_``.
    """

    def fit(self, X, y):
        """Train on X (N, D) and targets y (N,) or (N, K); returns self."""
        X, y = validate_data(self, X, y, dtype=float_dtype(self.dtype), multi_output=True,
                             y_numeric=True)
        n_out = 1 if y.ndim == 1 else y.shape[1]
        return self._train(X, y.astype(self.dtype, copy=False), n_out, "identity", "mse", "r2")

    def predict(self, X):
        """Predictions (N,) for one target, (N, K) for K."""
        check_is_fitted(self)
        y_hat = self.model_.predict(self._checked_X(X, reset=False))
        return y_hat[:, 0] if y_hat.shape[1] == 1 else y_hat

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


def _generators(random_state):
    """Three independent generators (weights, batch order, validation rows) from one seed."""
    if isinstance(random_state, np.random.RandomState):
        random_state = int(random_state.randint(2**31 - 1))  # scikit-learn's kind of state
    elif isinstance(random_state, np.random.Generator):
        random_state = int(random_state.integers(2**63 - 1))
    elif random_state is not None:
        if isinstance(random_state, bool) or not isinstance(random_state, numbers.Integral):
            raise TypeError(f"random_state must be None, a seed >= 0 or a NumPy generator, "
                            f"got {random_state!r}")
        if random_state < 0:
            raise ValueError(f"random_state must be None, a seed >= 0 or a NumPy generator, "
                             f"got {random_state}")
    return [np.random.default_rng(s) for s in np.random.SeedSequence(random_state).spawn(3)]

"""Every control of the playground as one checked, immutable record: ``Settings``.

The option lists are the choices the widget offers (TensorFlow Playground's, plus this
collection's); the engine accepts any value within the ranges stated by ``Settings``.
"""
import dataclasses
import numbers

from .._checks import lookup, non_negative_float, positive_int, real_number
from .datasets import GENERATORS
from .features import FEATURES

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
REGULARIZATIONS = ("none", "l1", "l2")
OPTIMIZERS = ("sgd", "momentum", "adam")
LOSSES = ("cross_entropy", "mse")
PROBLEMS = ("classification", "regression")
CUSTOM = "custom"  # the dataset name of the user's own (X, y)
LEARNING_RATES = (1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REG_RATES = (0.0, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
MAX_LAYERS, MAX_WIDTH = 6, 8
LR_RANGE = (1e-5, 10.0)


def _choice(value, options, name):
    """``value`` as one of the names in ``options`` (case-insensitive), or a clear error."""
    return lookup({o: o for o in options}, value, name)


def _int_in(value, name, lo, hi):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer in [{lo}, {hi}], got {value!r} "
                        f"({type(value).__name__})")
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be an integer in [{lo}, {hi}], got {value}")
    return int(value)


def _flag(value, name):
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return value


def _features(value):
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise TypeError(f"features must be a list of feature names, got {value!r}")
    chosen = {_choice(v, FEATURES, "feature") for v in value}
    if not chosen:
        raise ValueError(f"features must name at least one input, got none; "
                         f"choose from {', '.join(FEATURES)}")
    return tuple(f for f in FEATURES if f in chosen)  # one fixed order: the network's columns


def _hidden_layers(value):
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise TypeError(f"hidden_layers must be a list of layer widths such as [4, 2], "
                        f"got {value!r}")
    if len(value) > MAX_LAYERS:
        raise ValueError(f"hidden_layers must list at most {MAX_LAYERS} layers, got {len(value)}")
    return tuple(_int_in(w, f"hidden_layers[{i}]", 1, MAX_WIDTH) for i, w in enumerate(value))


@dataclasses.dataclass(frozen=True)
class Settings:
    """The playground's controls; the defaults are the opening lesson (four circles).

    problem          'classification' or 'regression'
    dataset          a name from ``datasets.GENERATORS[problem]``, or 'custom' for your (X, y)
    n_samples        points generated (training + test)
    noise            percent, in [0, 50]
    train_percent    share of the points used for training, in [10, 90]
    data_seed        seed of the data (``regenerate`` adds one)
    features         input features by name (see ``features.FEATURES``)
    hidden_layers    width of each hidden layer: 0 to 6 layers of 1 to 8 units
    activation       of the hidden layers: relu, tanh, sigmoid or linear
    lr               learning rate, in [1e-5, 10]
    batch_size       points per step
    optimizer        sgd, momentum (0.9) or adam
    loss             cross_entropy or mse (regression: mse)
    regularization   none, l1 or l2, on the weights W (not the biases)
    reg_rate         the regularisation rate λ >= 0
    seed             seed of the initial weights and of the batch order
    show_test        draw the test points on the output picture
    discretize       show the output picture as hard classes (regression: its sign)
    """

    problem: str = "classification"
    dataset: str = "four_circles"
    n_samples: int = 1000
    noise: float = 0.0
    train_percent: float = 50.0
    data_seed: int = 0
    features: tuple = ("x1", "x2", "x1^2", "x2^2")
    hidden_layers: tuple = (6, 4)
    activation: str = "tanh"
    lr: float = 0.01
    batch_size: int = 10
    optimizer: str = "adam"
    loss: str = "cross_entropy"
    regularization: str = "none"
    reg_rate: float = 0.0
    seed: int = 0
    show_test: bool = False
    discretize: bool = False

    def __post_init__(self):
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731
        problem = _choice(self.problem, PROBLEMS, "problem")
        set_("problem", problem)
        choices = tuple(GENERATORS[problem]) + (CUSTOM,)
        set_("dataset", _choice(self.dataset, choices, f"dataset for {problem}"))
        set_("n_samples", _int_in(self.n_samples, "n_samples", 10, 100_000))
        set_("noise", real_number(self.noise, "noise", "in [0, 50] (percent)",
                                  lambda v: 0 <= v <= 50))
        set_("train_percent", real_number(self.train_percent, "train_percent", "in [10, 90]",
                                          lambda v: 10 <= v <= 90))
        set_("data_seed", _int_in(self.data_seed, "data_seed", 0, 2**32 - 1))
        set_("features", _features(self.features))
        set_("hidden_layers", _hidden_layers(self.hidden_layers))
        set_("activation", _choice(self.activation, ACTIVATIONS, "activation"))
        lo, hi = LR_RANGE
        set_("lr", real_number(self.lr, "lr", f"in [{lo:g}, {hi:g}]", lambda v: lo <= v <= hi))
        set_("batch_size", positive_int(self.batch_size, "batch_size"))
        set_("optimizer", _choice(self.optimizer, OPTIMIZERS, "optimizer"))
        set_("loss", _choice(self.loss, LOSSES, "loss"))
        if problem == "regression" and self.loss != "mse":
            raise ValueError(f"loss must be 'mse' for regression (cross-entropy compares class "
                             f"probabilities), got {self.loss!r}")
        set_("regularization", _choice(self.regularization, REGULARIZATIONS, "regularization"))
        set_("reg_rate", non_negative_float(self.reg_rate, "reg_rate"))
        set_("seed", _int_in(self.seed, "seed", 0, 2**32 - 1))
        set_("show_test", _flag(self.show_test, "show_test"))
        set_("discretize", _flag(self.discretize, "discretize"))

    def replace(self, **changes):
        """A copy with ``changes`` applied and checked; an unknown name is refused."""
        unknown = sorted(set(changes) - set(FIELDS))
        if unknown:
            raise TypeError(f"unknown setting(s) {unknown}; valid names are: {', '.join(FIELDS)}")
        return dataclasses.replace(self, **changes)

    def to_dict(self):
        """The settings as JSON-ready data (tuples become lists)."""
        return {k: list(v) if isinstance(v, tuple) else v
                for k, v in dataclasses.asdict(self).items()}


FIELDS = tuple(f.name for f in dataclasses.fields(Settings))

"""The playground's controls as ipywidgets, one per setting, with TensorFlow Playground's choices.

Imported by ``widget`` only; it needs ipywidgets. Every control carries the CSS class
``pg-<name>`` so that a page (and the browser test) can find it.
"""
import ipywidgets as w

from .datasets import CLASSIFICATION, REGRESSION
from .features import FEATURES, LABELS
from .settings import CUSTOM, LEARNING_RATES, REG_RATES

DATASET_LABELS = {
    "circle": "circle", "xor": "XOR", "gauss": "two Gaussians", "spiral": "spiral",
    "four_circles": "four circles", "two_moons": "two moons",
    "three_gaussians": "three Gaussians (3 classes)", "plane": "plane",
    "multi_gauss": "multiple Gaussians", CUSTOM: "your data",
}
WIDE = {"description_width": "initial"}


def css_name(name):
    """A CSS-safe form of a control or feature name: x1^2 -> x1sq, sin(x1) -> sinx1."""
    return (name.replace("^2", "sq").replace("*", "x").replace("(", "").replace(")", "")
            .replace("_", "-"))


def tagged(widget, name):
    widget.add_class(f"pg-{css_name(name)}")
    return widget


def dataset_options(problem, has_custom):
    names = list(CLASSIFICATION if problem == "classification" else REGRESSION)
    if has_custom:
        names.append(CUSTOM)
    return [(DATASET_LABELS[n], n) for n in names]


def _dropdown(name, description, options, value):
    return tagged(w.Dropdown(options=options, value=value, description=description,
                             style=WIDE, layout=w.Layout(width="auto")), name)


def _slider(name, description, lo, hi, step, value):
    return tagged(w.IntSlider(value=int(value), min=lo, max=hi, step=step,
                              description=description, style=WIDE, continuous_update=False,
                              layout=w.Layout(width="320px")), name)


def _rate_options(values, current):
    values = sorted(set(values) | {current})  # a lesson may use a value between the choices
    return [(f"{v:g}", v) for v in values]


def make_controls(s, has_custom):
    """One widget per setting of ``s`` (a Settings), keyed by the setting's name."""
    return {
        "lr": _dropdown("lr", "Learning rate", _rate_options(LEARNING_RATES, s.lr), s.lr),
        "activation": _dropdown("activation", "Activation",
                                [("ReLU", "relu"), ("tanh", "tanh"), ("sigmoid", "sigmoid"),
                                 ("linear", "linear")], s.activation),
        "regularization": _dropdown("regularization", "Regularisation",
                                    [("none", "none"), ("L1", "l1"), ("L2", "l2")],
                                    s.regularization),
        "reg_rate": _dropdown("reg_rate", "Regularisation rate",
                              _rate_options(REG_RATES, s.reg_rate), s.reg_rate),
        "problem": _dropdown("problem", "Problem type",
                             [("classification", "classification"),
                              ("regression", "regression")], s.problem),
        "optimizer": _dropdown("optimizer", "Optimizer",
                               [("SGD", "sgd"), ("momentum", "momentum"), ("Adam", "adam")],
                               s.optimizer),
        "loss": _dropdown("loss", "Loss", [("cross-entropy", "cross_entropy"),
                                           ("MSE", "mse")], s.loss),
        "dataset": _dropdown("dataset", "Data", dataset_options(s.problem, has_custom),
                             s.dataset),
        "train_percent": _slider("train_percent", "Training data %", 10, 90, 10,
                                 s.train_percent),
        "noise": _slider("noise", "Noise %", 0, 50, 5, s.noise),
        "batch_size": _slider("batch_size", "Batch size", 1, 30, 1, min(s.batch_size, 30)),
        "seed": tagged(w.BoundedIntText(value=s.seed, min=0, max=2**32 - 1,
                                        description="Seed", style=WIDE,
                                        layout=w.Layout(width="160px")), "seed"),
        "show_test": tagged(w.Checkbox(value=s.show_test, description="Show test data",
                                       indent=False), "show_test"),
        "discretize": tagged(w.Checkbox(value=s.discretize, description="Discretize output",
                                        indent=False), "discretize"),
    }


def feature_toggles(chosen):
    """A toggle button per feature, pressed when the feature is an input of the network."""
    return {name: tagged(w.ToggleButton(value=name in chosen, description=LABELS[name],
                                        tooltip=f"input feature {LABELS[name]}",
                                        layout=w.Layout(width="84px", padding="0 4px")),
                  f"feature-{name}")
            for name in FEATURES}


def button(name, description, tooltip, width="auto"):
    return tagged(w.Button(description=description, tooltip=tooltip,
                           layout=w.Layout(width=width)), name)


def image(name, size):
    width, height = size
    return tagged(w.Image(format="png", width=width, height=height), name)


def heading(text):
    return w.HTML(f"<b style='letter-spacing:0.05em'>{text}</b>")

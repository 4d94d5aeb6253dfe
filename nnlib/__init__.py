"""nnlib: a small neural-network library written from scratch in NumPy, for teaching.

Samples are rows everywhere: ``X`` is (N, D), a dense layer's ``W`` is (D, M), ``b`` is (M,),
and ``Z = X @ W + b``. The data path reads as one straight walk:
data -> DataLoader -> Sequential (Dense layers -> activations) -> loss -> backward -> optimizer.

``import nnlib`` needs only NumPy. ``nnlib.datasets.load_iris_petals`` and ``nnlib.estimators``
(scikit-learn estimators built from these pieces) import scikit-learn, ``nnlib.plot`` imports
matplotlib, and ``nnlib.playground``'s widget imports ipywidgets, each when used.
``nnlib.checks`` holds the checks of the notebooks' exercises (NumPy only).
"""
from . import datasets
from .activations import ACTIVATIONS, Activation, get_activation, sigmoid, softmax
from .data import DataLoader
from .gradcheck import TOLERANCE as GRADCHECK_TOLERANCE
from .gradcheck import check_model_gradients, numerical_gradient, relative_error
from .layers import INITIALIZERS, Dense
from .losses import LOSSES, BinaryCrossEntropy, CrossEntropy, Loss, MeanSquaredError, get_loss
from .metrics import (accuracy, accuracy_within, confusion_matrix, mean_absolute_error,
                      mean_squared_error, r2_score)
from .model import Sequential, mlp
from .multitask import MultiTask
from .optimizers import SGD, Adam, get_optimizer
from .saving import ModelFileError, load
from .training import History, TrainingDivergedError, fit

__version__ = "0.1.0"

__all__ = [
    "datasets",
    "ACTIVATIONS", "Activation", "get_activation", "sigmoid", "softmax",
    "DataLoader",
    "GRADCHECK_TOLERANCE", "check_model_gradients", "numerical_gradient", "relative_error",
    "INITIALIZERS", "Dense",
    "LOSSES", "BinaryCrossEntropy", "CrossEntropy", "Loss", "MeanSquaredError", "get_loss",
    "accuracy", "accuracy_within", "confusion_matrix", "mean_absolute_error",
    "mean_squared_error", "r2_score",
    "Sequential", "mlp", "load", "ModelFileError",
    "MultiTask",
    "SGD", "Adam", "get_optimizer",
    "History", "TrainingDivergedError", "fit",
]

"""The input features a playground network can be given, each a map of the point (x1, x2).

``X`` is (N, 2), one point per row; a feature map returns (N,). The names are what the lesson
files and the controls use; the labels are how the pictures show them.
"""
import numpy as np

FEATURES = {
    "x1": lambda X: X[:, 0],
    "x2": lambda X: X[:, 1],
    "x1^2": lambda X: X[:, 0] ** 2,
    "x2^2": lambda X: X[:, 1] ** 2,
    "x1*x2": lambda X: X[:, 0] * X[:, 1],
    "sin(x1)": lambda X: np.sin(X[:, 0]),
    "sin(x2)": lambda X: np.sin(X[:, 1]),
}

LABELS = {"x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²", "x1*x2": "x₁x₂",
          "sin(x1)": "sin x₁", "sin(x2)": "sin x₂"}


def feature_matrix(names, X):
    """The chosen features of every point: (N, 2) -> (N, F), columns in the order of ``names``."""
    return np.column_stack([FEATURES[name](X) for name in names])

"""Plotting helpers for the notebooks. Importing this module imports matplotlib; nnlib does not."""
import os
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np


def plot_history(history, keys=("loss", "val_loss"), ax=None, logy=False, title=None):
    """Curves of ``history[key]`` against the epoch for each key present."""
    ax = ax or plt.gca()
    for key in keys:
        if key in history:
            values = history[key]
            ax.plot(np.arange(1, len(values) + 1), values, label=key)
    ax.set_xlabel("epoch")
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def decision_map(predict, xlim, ylim, ax=None, resolution=200, cmap="RdYlBu_r", levels=None):
    """Shade a 2-D square by ``predict(points)`` (a score per point); returns the image.

    ``predict`` takes (P, 2) points and returns (P,) or (P, 1) values, e.g. a class probability.
    """
    ax = ax or plt.gca()
    xs = np.linspace(*xlim, resolution)
    ys = np.linspace(*ylim, resolution)
    XX, YY = np.meshgrid(xs, ys)
    values = np.asarray(predict(np.column_stack([XX.ravel(), YY.ravel()]))).reshape(XX.shape)
    image = ax.contourf(XX, YY, values, levels=levels if levels is not None else 21, cmap=cmap)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    return image


FIGURES_ENV = "NNLIB_FIGURES_DIR"


def figures_directory():
    """Where ``save_figure`` writes: ``$NNLIB_FIGURES_DIR``, else a folder in the temp directory.

    ``make notebooks`` points it at the repository's ``figures/``; everything else (``make test``,
    a learner's own runs) writes elsewhere, so running a notebook never changes a tracked file.
    """
    chosen = os.environ.get(FIGURES_ENV)
    return Path(chosen) if chosen else Path(tempfile.gettempdir()) / "nnlib-figures"


def save_figure(fig, name, directory=None, dpi=100):
    """Save ``fig`` as ``directory/name.png`` (default: ``figures_directory()``); returns the path.

    The PNG carries no software or date stamp, so re-running a notebook rewrites identical bytes
    and ``git status`` shows only figures that really changed.
    """
    if not isinstance(name, str) or not name or "/" in name or "\\" in name:
        raise ValueError(f"name must be a non-empty file name without a folder, got {name!r}")
    path = Path(directory if directory is not None else figures_directory()) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return path

"""Saving and loading models: an architecture as JSON text and the weights as plain arrays.

A file is a NumPy ``.npz`` archive holding ``config`` (the model's ``config()`` as JSON text) and
one array ``param.<name>`` per parameter. Nothing is pickled, so loading runs no code from the
file. Model and layer classes register themselves here by the ``type`` their ``config()``
writes, so this module imports none of them: ``model.py`` and ``multitask.py`` import it.
"""
import json
import os
import zipfile
from pathlib import Path

import numpy as np

MODEL_TYPES = {}  # {"Sequential": Sequential, "MultiTask": MultiTask}
LAYER_TYPES = {}  # {"Dense": Dense}


class ModelFileError(ValueError):
    """A file that is not a model written by ``save``, or one that is damaged."""


def register_model(cls):
    """Class decorator: ``load`` rebuilds a model whose config says ``type: cls.__name__``."""
    MODEL_TYPES[cls.__name__] = cls
    return cls


def register_layer(cls):
    """Class decorator: ``layer_from_config`` rebuilds a layer of this type."""
    LAYER_TYPES[cls.__name__] = cls
    return cls


def layer_from_config(config, store=None):
    """A new layer (fresh random weights, to be overwritten) from a layer's ``config()``,
    taking its arrays from ``store`` when one is given."""
    if not isinstance(config, dict) or config.get("type") not in LAYER_TYPES:
        kind = config.get("type") if isinstance(config, dict) else type(config).__name__
        raise ModelFileError(f"layer config must name one of the layer types "
                             f"{sorted(LAYER_TYPES)}, got {kind!r}")
    return LAYER_TYPES[config["type"]].from_config(config, store=store)


def _as_path(path):
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or a path-like object, got {type(path).__name__}")
    return Path(path)


def save_model(model, path):
    """Write ``model`` to ``path`` (``.npz`` is appended when missing); returns the path written."""
    path = _as_path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    arrays = {f"param.{name}": v for name, v, _ in model.parameters()}
    np.savez(path, config=np.array(json.dumps(model.config())), **arrays)
    return path


def _read(path):
    """The config dict and ``{name: array}`` of a model file; ModelFileError if it is not one."""
    try:
        archive = np.load(path, allow_pickle=False)
        if isinstance(archive, np.ndarray):
            raise ModelFileError(f"{path} is a single .npy array, not a model file from save")
        with archive as f:
            if "config" not in f.files:
                raise ModelFileError(f"{path} holds no model config: not a model file from save")
            config = json.loads(str(f["config"]))
            weights = {k[len("param."):]: f[k] for k in f.files if k.startswith("param.")}
    except ModelFileError:
        raise
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as exc:
        # Empty, truncated, text, pickled or otherwise foreign files all end here.
        raise ModelFileError(f"{path} is not a readable model file written by save "
                             f"({type(exc).__name__}: {exc})") from None
    if not isinstance(config, dict):
        raise ModelFileError(f"{path}: the model config must be a JSON object, "
                             f"got {type(config).__name__}")
    return config, weights


def load(path):
    """Load a model written by ``save``; predictions are bit-identical to the saved model's."""
    path = _as_path(path)
    if path.suffix != ".npz" and not path.exists():
        path = path.with_name(path.name + ".npz")  # as save() wrote it
    if not path.is_file():
        raise FileNotFoundError(f"path must name a model file written by save, but {path} "
                                f"does not exist")
    config, weights = _read(path)
    kind = config.get("type")
    if kind not in MODEL_TYPES:
        raise ModelFileError(f"{path} holds an unknown model type {kind!r}; known types are "
                             f"{sorted(MODEL_TYPES)}")
    try:
        model = MODEL_TYPES[kind].from_config(config)
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"{path} holds a damaged {kind} config ({type(exc).__name__}: "
                             f"{exc})") from None
    for name, value, _ in model.parameters():
        if name not in weights:
            raise ModelFileError(f"{path} lacks the weights of parameter {name!r}")
        w = weights[name]
        if w.shape != value.shape or not np.issubdtype(w.dtype, np.floating):
            raise ModelFileError(f"{path}: parameter {name!r} must be a float array of shape "
                                 f"{value.shape}, got {w.dtype} of shape {w.shape}")
        if not np.all(np.isfinite(w)):
            raise ModelFileError(f"{path}: parameter {name!r} holds NaN or infinite values")
        value[...] = w
    return model

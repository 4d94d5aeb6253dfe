"""Saving and loading: round trips are exact, and every kind of bad file gets a clear error."""
import json
import pickle

import numpy as np
import pytest

import nnlib
from nnlib.saving import MODEL_TYPES, ModelFileError


@pytest.fixture
def saved(tmp_path):
    model = nnlib.mlp([3, 4, 2], "tanh", "softmax", rng=0)
    return model, model.save(tmp_path / "model")


def test_both_model_kinds_are_registered():
    assert MODEL_TYPES == {"Sequential": nnlib.Sequential, "MultiTask": nnlib.MultiTask}


def _rewrite(path, **changes):
    """Write the archive at ``path`` again with some entries replaced (None drops one)."""
    with np.load(path, allow_pickle=False) as f:
        entries = {k: f[k] for k in f.files}
    for k, v in changes.items():
        if v is None:
            entries.pop(k)
        else:
            entries[k] = v
    np.savez(path, **entries)


@pytest.mark.parametrize("damage, match", [
    (lambda p: p.write_bytes(b"junk"), "not a readable model file"),
    (lambda p: p.write_bytes(b""), "not a readable model file"),
    (lambda p: p.write_bytes(p.read_bytes()[:200]), "not a readable model file"),
    (lambda p: p.write_text("hello, world\n"), "not a readable model file"),
    (lambda p: p.write_bytes(pickle.dumps({"config": 1})), "not a readable model file"),
    (lambda p: np.save(open(p, "wb"), np.zeros(3)), "single .npy array"),
    (lambda p: _rewrite(p, config=np.array("{not json")), "not a readable model file"),
    (lambda p: _rewrite(p, config=np.array("[1, 2]")), "must be a JSON object"),
    (lambda p: _rewrite(p, config=np.array(json.dumps({"type": "Forest"}))), "unknown model type"),
    (lambda p: _rewrite(p, config=np.array(json.dumps({"type": "Sequential"}))), "damaged Sequential"),
    (lambda p: _rewrite(p, config=None), "holds no model config"),
    (lambda p: _rewrite(p, **{"param.0.W": None}), "lacks the weights of parameter '0.W'"),
    (lambda p: _rewrite(p, **{"param.0.W": np.zeros((4, 3))}), r"shape \(3, 4\), got float64 of shape \(4, 3\)"),
    (lambda p: _rewrite(p, **{"param.0.b": np.full(4, np.nan)}), "NaN or infinite"),
])
def test_a_damaged_or_foreign_file_gets_a_clear_error(saved, damage, match):
    _, path = saved
    damage(path)
    with pytest.raises(ModelFileError, match=match):
        nnlib.load(path)
    assert issubclass(ModelFileError, ValueError)


@pytest.mark.parametrize("path, error, match", [
    (None, TypeError, "path must be a str or a path-like object, got NoneType"),
    (3, TypeError, "path must be a str or a path-like object, got int"),
])
def test_load_refuses_what_is_not_a_path(path, error, match):
    with pytest.raises(error, match=match):
        nnlib.load(path)


def test_load_of_a_missing_file_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        nnlib.load(tmp_path / "nothing.npz")


def test_save_refuses_what_is_not_a_path(saved):
    model, _ = saved
    with pytest.raises(TypeError, match="path must be a str"):
        model.save(None)


@pytest.mark.parametrize("copier", ["pickle", "deepcopy"])
def test_a_copied_model_trains_through_its_own_store(copier):
    import copy
    import pickle

    model = nnlib.mlp([3, 5, 2], "tanh", "softmax", rng=0, dtype=np.float32)
    twin = (pickle.loads(pickle.dumps(model)) if copier == "pickle" else copy.deepcopy(model))
    assert repr(twin) == repr(model) and twin.dtype == np.float32
    for a, b in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_array_equal(a, b)
    X, y = np.random.default_rng(1).normal(size=(8, 3)), np.arange(8) % 2
    before = twin.predict(X).copy()
    nnlib.fit(twin, "cross_entropy", nnlib.SGD(twin.parameters(), lr=0.5),
              nnlib.DataLoader(X, y, batch_size=4), 3)
    assert not np.array_equal(twin.predict(X), before)  # the optimizer moved what predict reads
    assert not np.array_equal(model.get_weights()[0], twin.get_weights()[0])  # the original stayed

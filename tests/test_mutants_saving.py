"""Saving and loading: file names, weights' dtype, layer configs, and what each error says."""
import json

import numpy as np
import pytest

import nnlib
from nnlib.saving import ModelFileError, layer_from_config


@pytest.fixture
def saved(tmp_path):
    model = nnlib.mlp([3, 4, 2], "tanh", "softmax", rng=0)
    return model, model.save(tmp_path / "model")


def _rewrite(path, **changes):
    with np.load(path, allow_pickle=False) as f:
        entries = {k: f[k] for k in f.files}
    entries.update(changes)
    np.savez(path, **entries)


def test_a_renamed_file_without_the_suffix_still_loads(saved):
    model, path = saved
    bare = path.with_name("renamed")
    path.rename(bare)
    X = np.random.default_rng(1).standard_normal((5, 3))
    np.testing.assert_array_equal(nnlib.load(bare).predict(X), model.predict(X))
    np.testing.assert_array_equal(nnlib.load(str(bare)).predict(X), model.predict(X))


def test_a_missing_file_is_named_as_given(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"/missing\.npz does not exist$"):
        nnlib.load(tmp_path / "missing.npz")


def test_a_loaded_model_keeps_its_parameters_in_one_store(saved):
    model, path = saved
    assert len(model.parameters().groups) == len(nnlib.load(path).parameters().groups) == 1


def test_integer_weights_are_refused(saved):
    _, path = saved
    _rewrite(path, **{"param.0.b": np.zeros(4, dtype=np.int64)})
    with pytest.raises(ModelFileError, match=r"parameter '0.b' must be a float array of shape "
                                             r"\(4,\), got int64 of shape \(4,\)$"):
        nnlib.load(path)


@pytest.mark.parametrize("config, message", [
    (["Dense"], r"^layer config must name one of the layer types \['Dense'\], got 'list'$"),
    ({"type": "Conv2D"}, r"^layer config must name one of the layer types \['Dense'\], "
                         r"got 'Conv2D'$"),
])
def test_an_unknown_layer_config_is_refused(config, message):
    with pytest.raises(ModelFileError, match=message):
        layer_from_config(config)


@pytest.mark.parametrize("damage, message", [
    (lambda p: p.write_text("hello"), r"is not a readable model file written by save "
                                      r"\((ValueError|OSError|BadZipFile): "),
    (lambda p: _rewrite(p, config=np.array("[1, 2]")),
     r": the model config must be a JSON object, got list$"),
    (lambda p: _rewrite(p, config=np.array(json.dumps({"type": "Sequential"}))),
     r"holds a damaged Sequential config \(KeyError: "),
])
def test_errors_name_the_kind_of_damage(saved, damage, message):
    _, path = saved
    damage(path)
    with pytest.raises(ModelFileError, match=message):
        nnlib.load(path)

"""MultiTask: head names, summary and repr text, classifier heads, parameter groups, dtypes,
and the wording of its refusals."""
import numpy as np
import pytest

from nnlib import MultiTask, mlp


def make_model(dtype=np.float64):
    trunk = mlp([3, 4], "relu", "relu", rng=0, dtype=dtype)
    heads = {"kind": mlp([4, 2], output_activation="softmax", rng=1, dtype=dtype),
             "size": mlp([4, 1], rng=2, dtype=dtype)}
    return MultiTask(trunk, heads, loss_weights={"size": 0.5})


SUMMARY = """\
part         layer          activation  output shape  parameters
----------------------------------------------------------------
trunk.0      Dense(3 -> 4)  relu        (N, 4)                16
head.kind.0  Dense(4 -> 2)  softmax     (N, 2)                10
head.size.0  Dense(4 -> 1)  identity    (N, 1)                 5
----------------------------------------------------------------
total parameters: 31   input: (N, 3)   dtype: float64
loss weights: kind: 1, size: 0.5"""

REPR = ("MultiTask(trunk=[Dense(3, 4, activation='relu')], "
        "heads={'kind': [Dense(4, 2, activation='softmax')], "
        "'size': [Dense(4, 1, activation='identity')]}, "
        "loss_weights={'kind': 1.0, 'size': 0.5})")


def test_summary_and_repr_text():
    model = make_model()
    assert model.summary() == SUMMARY
    assert repr(model) == REPR


def test_softmax_and_sigmoid_heads_are_classifiers():
    model = MultiTask(mlp([3, 4], "relu", "relu", rng=0),
                      {"kind": mlp([4, 2], output_activation="softmax", rng=1),
                       "flag": mlp([4, 1], output_activation="sigmoid", rng=2),
                       "size": mlp([4, 1], rng=3)})
    X = np.zeros((2, 3))
    assert sorted(model.predict_proba(X)) == ["flag", "kind"]
    assert sorted(model.predict_labels(X)) == ["flag", "kind"]


def test_parameters_keep_each_parts_group():
    groups = make_model().parameters().groups
    assert [names for _, _, names in groups] == [["trunk.0.W", "trunk.0.b"],
                                                 ["head.kind.0.W", "head.kind.0.b"],
                                                 ["head.size.0.W", "head.size.0.b"]]


def test_prepared_targets_take_the_models_dtype():
    model = make_model(np.float32)
    Y = model.prepare_targets({"kind": np.array([0, 1]), "size": np.array([0.5, 1.5])},
                              {"kind": "cross_entropy", "size": "mse"})
    assert {k: v.dtype for k, v in Y.items()} == {"kind": np.float32, "size": np.float32}


class ForwardOnly:
    def forward(self, X):
        return X


def _trunk():
    return mlp([3, 4], rng=0)


@pytest.mark.parametrize("make, error, message", [
    (lambda: MultiTask(_trunk(), {"": mlp([4, 1], rng=1)}), TypeError,
     r"^head names must be non-empty strings, got ''$"),
    (lambda: MultiTask(_trunk(), {3: mlp([4, 1], rng=1)}), TypeError,
     r"^head names must be non-empty strings, got 3$"),
    (lambda: MultiTask(_trunk(), {"a": ForwardOnly()}), TypeError,
     r"^heads\['a'\] must be a layer, a list of layers or a Sequential, got ForwardOnly$"),
    (lambda: MultiTask(_trunk(), [mlp([4, 1], rng=1)]), TypeError,
     r"^heads must be a dict \{name: layers\}, got list$"),
    (lambda: MultiTask(_trunk(), {}), ValueError,
     r"^heads must hold at least one head, got an empty dict$"),
    (lambda: MultiTask(_trunk(), {"a": mlp([4, 1], rng=1)}, loss_weights=2.0), TypeError,
     r"a sequence in head order or None, got float$"),
])
def test_constructor_refusals_read_as_documented(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_a_shared_layer_is_refused_with_the_reason():
    trunk = mlp([4, 4], rng=0)  # 4 -> 4, so that it could also serve as a head
    with pytest.raises(ValueError, match=r"^trunk and heads must not share layer objects; build "
                                         r"a new layer for each place it is used$"):
        MultiTask(trunk, {"a": trunk})


@pytest.mark.parametrize("call, error, message", [
    (lambda m: m.predict(np.zeros((2, 5))), ValueError, r"^X must have 3 features \(columns\)"),
    (lambda m: m.prepare_targets(np.zeros(2), {"kind": "cross_entropy", "size": "mse"}),
     TypeError, r"^y must be a dict keyed by head name \['kind', 'size'\] or a tuple in that "
                r"order, got ndarray$"),
    (lambda m: m.evaluate(np.zeros((2, 3)), (np.zeros(2), np.zeros(2)),
                          {"kind": "cross_entropy", "size": "mse"}, ["accuracy"]),
     TypeError, r"\{head: \[metric names\]\} for a MultiTask model, got list \['accuracy'\]$"),
])
def test_method_refusals_read_as_documented(call, error, message):
    with pytest.raises(error, match=message):
        call(make_model())

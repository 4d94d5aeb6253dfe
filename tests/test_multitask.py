"""MultiTask: gradients of a shared trunk with two heads, targets, metrics, save/load, checks."""
import numpy as np
import pytest

import nnlib
from nnlib import Dense, MultiTask, Sequential, check_model_gradients

TOL = 1e-6
LOSSES = {"cls": "binary_cross_entropy", "reg": "mse"}


def make_model(rng=0, dtype=np.float64, loss_weights=None, hidden=("tanh", "sigmoid")):
    """A 3-4-5 trunk, a sigmoid head 'cls' (BCE) and a linear head 'reg' (MSE) of 2 outputs."""
    rng = np.random.default_rng(rng)
    trunk = [Dense(3, 4, hidden[0], rng=rng, dtype=dtype),
             Dense(4, 5, hidden[1], rng=rng, dtype=dtype)]
    heads = {"cls": Dense(5, 1, "sigmoid", rng=rng, dtype=dtype),
             "reg": [Dense(5, 3, "tanh", rng=rng, dtype=dtype),
                     Dense(3, 2, "identity", rng=rng, dtype=dtype)]}
    model = MultiTask(trunk, heads, loss_weights)
    for _, value, _ in model.parameters():  # non-zero biases so their gradients are tested too
        if value.ndim == 1:
            value[:] = 0.1 * rng.standard_normal(value.shape)
    return model


def make_data(rng, n=7):
    X = rng.standard_normal((n, 3))
    y = {"cls": rng.integers(0, 2, n), "reg": rng.standard_normal((n, 2))}
    return X, y


@pytest.mark.parametrize("loss_weights", [None, {"cls": 0.3, "reg": 2.5}, (0.0, 1.0)])
def test_every_parameter_passes_the_gradient_check(loss_weights, rng):
    model = make_model(loss_weights=loss_weights)
    X, y = make_data(rng)
    errors = check_model_gradients(model, LOSSES, X, y)
    assert sorted(errors) == sorted(
        ["trunk.0.W", "trunk.0.b", "trunk.1.W", "trunk.1.b", "head.cls.0.W", "head.cls.0.b",
         "head.reg.0.W", "head.reg.0.b", "head.reg.1.W", "head.reg.1.b"])
    assert max(errors.values()) < TOL, errors


def test_unfused_pairing_passes_the_gradient_check(rng):
    # MSE on a sigmoid head: the plain path dL/dy_hat * sigmoid'(Z), not the fused one.
    model = make_model()
    X, y = make_data(rng)
    y["cls"] = y["cls"].astype(float)
    errors = check_model_gradients(model, {"cls": "mse", "reg": "mse"}, X, y)
    assert max(errors.values()) < TOL, errors


def test_loss_is_the_weighted_sum_of_the_head_losses(rng):
    model = make_model(loss_weights={"cls": 0.25, "reg": 3.0})
    X, y = make_data(rng)
    out = model.predict(X)
    bce = nnlib.get_loss("bce")(out["cls"], y["cls"])
    mse = nnlib.get_loss("mse")(out["reg"], y["reg"])
    losses = model.resolve_loss(LOSSES)
    total = model.loss_and_gradients(X, model.prepare_targets(y, losses), losses)
    np.testing.assert_allclose(total, 0.25 * bce + 3.0 * mse, rtol=1e-12)
    ev = model.evaluate(X, y, LOSSES)
    np.testing.assert_allclose([ev["loss"], ev["cls_loss"], ev["reg_loss"]],
                               [total, bce, mse], rtol=1e-12)


def test_trunk_gradient_is_the_sum_of_what_each_head_sends(rng):
    w = {"cls": 0.7, "reg": 1.9}
    model = make_model(loss_weights=w)
    X, y = make_data(rng)
    losses = model.resolve_loss(LOSSES)
    model.loss_and_gradients(X, model.prepare_targets(y, losses), losses)
    joint = {k: g.copy() for k, _, g in model.parameters() if k.startswith("trunk.")}

    # Each head alone: the trunk and that head as one Sequential (the same layer objects).
    alone = {k: 0.0 for k in joint}
    for name, head in model.heads.items():
        single = Sequential(model.trunk.layers + head.layers)
        loss = nnlib.get_loss(LOSSES[name])
        single.loss_and_gradients(X, single.prepare_targets(y[name], loss), loss)
        for i, layer in enumerate(model.trunk.layers):
            for p in ("W", "b"):
                alone[f"trunk.{i}.{p}"] = alone[f"trunk.{i}.{p}"] + w[name] * layer.grads[p]
    for k in joint:
        np.testing.assert_allclose(joint[k], alone[k], rtol=1e-12, atol=1e-15, err_msg=k)
    # Either head alone is not enough: the sum really is a sum.
    only_reg = Sequential(model.trunk.layers + model.heads["reg"].layers)
    mse = nnlib.get_loss("mse")
    only_reg.loss_and_gradients(X, only_reg.prepare_targets(y["reg"], mse), mse)
    assert not np.allclose(w["reg"] * model.trunk.layers[0].grads["W"], joint["trunk.0.W"])


def test_the_trunk_runs_one_backward_pass(rng, monkeypatch):
    model = make_model()
    X, y = make_data(rng)
    calls = []
    original = Sequential.backward_from_delta  # every backward pass of a Sequential ends here

    def counting(self, *args, **kwargs):
        calls.append(self is model.trunk)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Sequential, "backward_from_delta", counting)
    losses = model.resolve_loss(LOSSES)
    model.loss_and_gradients(X, model.prepare_targets(y, losses), losses)
    assert calls.count(True) == 1 and calls.count(False) == 2


@pytest.mark.parametrize("as_tuple", [False, True])
def test_fit_with_dict_or_tuple_targets_records_per_head_metrics(as_tuple, rng):
    X = rng.standard_normal((64, 3))
    y = {"cls": (X[:, 0] > 0).astype(int), "reg": np.column_stack([X[:, 1], X[:, 2] - X[:, 0]])}
    targets = (y["cls"], y["reg"]) if as_tuple else y
    model = make_model(hidden=("tanh", "tanh"))
    loader = nnlib.DataLoader(X, targets, batch_size=16, shuffle=True, rng=0)
    batch_X, batch_y = next(iter(loader))
    assert isinstance(batch_y, tuple if as_tuple else dict) and len(batch_X) == 16
    opt = nnlib.Adam(model.parameters(), lr=0.02)
    metrics = {"cls": ["accuracy"], "reg": ["r2", "mae"]}
    history = nnlib.fit(model, LOSSES, opt, loader, 60, validation_data=(X, targets),
                        metrics=metrics)
    for key in ["loss", "cls_loss", "reg_loss", "cls_accuracy", "reg_r2", "reg_mae",
                "val_loss", "val_cls_loss", "val_reg_loss", "val_cls_accuracy", "val_reg_r2"]:
        assert len(history[key]) == 60, key
    assert history["loss"][-1] < 0.3 * history["loss"][0]
    assert history["val_cls_accuracy"][-1] >= 0.95 and history["val_reg_r2"][-1] >= 0.9
    ev = model.evaluate(X, targets, LOSSES, metrics)
    assert ev["cls_accuracy"] == history["val_cls_accuracy"][-1]
    np.testing.assert_allclose(ev["reg_r2"], nnlib.r2_score(y["reg"], model.predict(X)["reg"]))


def test_predictions_per_head(rng):
    model = make_model()
    X, _ = make_data(rng)
    out = model.predict(X)
    assert list(out) == ["cls", "reg"] and out["cls"].shape == (7, 1) and out["reg"].shape == (7, 2)
    np.testing.assert_array_equal(model.predict_proba(X, "cls"), out["cls"])
    np.testing.assert_array_equal(model.predict_labels(X, "cls"), (out["cls"][:, 0] >= 0.5))
    assert list(model.predict_labels(X)) == ["cls"]  # every classifier head
    with pytest.raises(ValueError, match="softmax or sigmoid"):
        model.predict_proba(X, "reg")
    with pytest.raises(ValueError, match="head must be one of"):
        model.predict_labels(X, "nope")


def test_save_and_load_round_trip(tmp_path, rng):
    model = make_model(loss_weights={"cls": 0.5, "reg": 2.0})
    X, _ = make_data(rng)
    path = tmp_path / "multi.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as f:
        assert "config" in f.files and "param.head.reg.1.W" in f.files
    loaded = nnlib.load(path)
    assert isinstance(loaded, MultiTask) and loaded.loss_weights == model.loss_weights
    assert [k for k, _, _ in loaded.parameters()] == [k for k, _, _ in model.parameters()]
    a, b = model.predict(X), loaded.predict(X)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])  # bit for bit
    assert loaded.summary() == model.summary()


def test_float32_is_kept_end_to_end(rng):
    model = make_model(dtype=np.float32)
    X, y = make_data(rng, n=32)
    out = model.predict(X)
    assert all(v.dtype == np.float32 for v in out.values())
    loader = nnlib.DataLoader(X, y, batch_size=8)
    nnlib.fit(model, LOSSES, nnlib.Adam(model.parameters(), lr=0.01), loader, 2)
    assert all(v.dtype == np.float32 and g.dtype == np.float32
               for _, v, g in model.parameters())
    assert all(v.dtype == np.float32 for v in model.predict(X).values())


def test_summary_lists_trunk_and_heads():
    text = make_model().summary()
    for part in ["trunk.0", "trunk.1", "head.cls.0", "head.reg.1", "loss weights"]:
        assert part in text
    assert f"total parameters: {make_model().n_parameters():,}" in text


def test_caller_arrays_are_not_changed(rng):
    model = make_model()
    X, y = make_data(rng)
    copies = X.copy(), {k: v.copy() for k, v in y.items()}
    model.evaluate(X, y, LOSSES, {"cls": ["accuracy"]})
    check_model_gradients(model, LOSSES, X, y)
    np.testing.assert_array_equal(X, copies[0])
    for k in y:
        np.testing.assert_array_equal(y[k], copies[1][k])


# -- input checks ---------------------------------------------------------------------------
def test_unknown_or_missing_head_names_are_refused(rng):
    model = make_model()
    X, y = make_data(rng)
    with pytest.raises(ValueError, match=r"loss must be keyed by the head names.*\['clz'\]"):
        model.resolve_loss({"clz": "bce", "reg": "mse"})
    with pytest.raises(ValueError, match=r"missing names \['reg'\]"):
        model.resolve_loss({"cls": "bce"})
    with pytest.raises(ValueError, match="y must be keyed by the head names"):
        check_model_gradients(model, LOSSES, X, {"cls": y["cls"], "area": y["reg"]})
    with pytest.raises(ValueError, match="y must hold 2 entries"):
        model.prepare_targets((y["cls"],), LOSSES)
    with pytest.raises(TypeError, match="y must be a dict keyed by head name"):
        model.prepare_targets(y["reg"], LOSSES)
    with pytest.raises(ValueError, match="unknown loss"):
        model.resolve_loss({"cls": "hinge", "reg": "mse"})
    with pytest.raises(ValueError, match="metrics must be keyed by the head names"):
        model.evaluate(X, y, LOSSES, {"area": ["r2"]})
    with pytest.raises(TypeError, match="metrics must be a dict"):
        model.evaluate(X, y, LOSSES, ["accuracy"])


def test_bad_targets_name_their_head(rng):
    model = make_model()
    X, y = make_data(rng)
    with pytest.raises(ValueError, match="targets of head 'reg'.*one row per input sample"):
        model.evaluate(X, {"cls": y["cls"], "reg": y["reg"][:-1]}, LOSSES)
    with pytest.raises(ValueError, match="targets of head 'reg'.*2 column"):
        model.prepare_targets({"cls": y["cls"], "reg": y["reg"][:, 0]}, LOSSES)
    with pytest.raises(ValueError, match="targets of head 'cls'.*in \\[0, 1\\]"):
        model.prepare_targets({"cls": y["cls"] + 2, "reg": y["reg"]}, LOSSES)
    loader = nnlib.DataLoader(X, y)
    with pytest.raises(ValueError, match="validation_data\\[0\\] must have 3 features"):
        nnlib.fit(model, LOSSES, nnlib.SGD(model.parameters()), loader, 1,
                  validation_data=(X[:, :2], y))
    with pytest.raises(ValueError, match="same number of rows"):
        nnlib.DataLoader(X, {"cls": y["cls"][:-1], "reg": y["reg"]})


def test_constructor_checks():
    rng = np.random.default_rng(0)
    trunk = [Dense(3, 4, "tanh", rng=rng)]
    with pytest.raises(ValueError, match=r"heads\['b'\] must take 4 inputs.*n_in=5"):
        MultiTask(trunk, {"a": Dense(4, 1), "b": Dense(5, 1)})
    with pytest.raises(TypeError, match="heads must be a dict"):
        MultiTask(trunk, [Dense(4, 1)])
    with pytest.raises(ValueError, match="at least one head"):
        MultiTask(trunk, {})
    with pytest.raises(TypeError, match="trunk must be a layer"):
        MultiTask("dense", {"a": Dense(4, 1)})
    with pytest.raises(ValueError, match="trunk's dtype"):
        MultiTask(trunk, {"a": Dense(4, 1, dtype=np.float32)})
    shared = Dense(4, 1)
    with pytest.raises(ValueError, match="must not share layer objects"):
        MultiTask(trunk, {"a": shared, "b": shared})
    with pytest.raises(ValueError, match=r"loss_weights\['a'\] must be a finite number >= 0"):
        MultiTask(trunk, {"a": Dense(4, 1)}, {"a": -1.0})
    with pytest.raises(TypeError, match=r"loss_weights\['a'\] must be a number"):
        MultiTask(trunk, {"a": Dense(4, 1)}, {"a": "1"})
    with pytest.raises(TypeError, match="loss_weights must be a dict"):
        MultiTask(trunk, {"a": Dense(4, 1)}, 1.0)
    with pytest.raises(ValueError, match=r"one number per head \['a'\], got 2"):
        MultiTask(trunk, {"a": Dense(4, 1)}, (1.0, 2.0))
    with pytest.raises(ValueError, match="loss_weights must be keyed by the head names"):
        MultiTask(trunk, {"a": Dense(4, 1)}, {"b": 1.0})
    with pytest.raises(ValueError, match="at least one head a weight > 0"):
        MultiTask(trunk, {"a": Dense(4, 1)}, {"a": 0.0})
    with pytest.raises(ValueError, match="X must have 3 features"):
        MultiTask(trunk, {"a": Dense(4, 1)}).predict(np.zeros((2, 2)))

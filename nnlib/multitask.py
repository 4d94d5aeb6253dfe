"""MultiTask: one shared trunk of layers feeding several named heads, each with its own loss.

Shapes: ``X`` is ``(N, D)``; the trunk maps it to features ``H`` of shape ``(N, F)``; head ``h``
maps ``H`` to ``y_hat[h]`` of shape ``(N, K_h)``. The training loss is a weighted sum

    L = sum_h  w_h * L_h(y_hat[h], y[h])

so its gradient for ``H`` is the sum of what each head sends back, dL/dH = sum_h w_h dL_h/dH,
and the trunk needs only ONE backward pass, with that sum. A ``MultiTask`` model speaks the same
protocol as ``Sequential`` (``resolve_loss``, ``prepare_targets``, ``loss_and_gradients``,
``parameters``, ``evaluate``, ``save``), so ``fit``, ``check_model_gradients`` and ``load`` work
with it unchanged. Losses, targets and metrics are dicts keyed by head name; targets may also
be a tuple in head order (as a ``DataLoader`` carries them).
"""

from ._checks import as_array, errors_prefixed, non_negative_float
from .metrics import check_metrics, compute_metrics, output_to_labels
from .model import Model, ParameterList, Sequential
from .saving import layer_from_config, register_model


def _as_sequential(part, name):
    """A Sequential from a Sequential, a list of layers or one layer."""
    if isinstance(part, Sequential):
        return part
    if isinstance(part, (list, tuple)):
        if not part:
            raise ValueError(f"{name} must hold at least one layer, got an empty "
                             f"{type(part).__name__}")
        return Sequential(part)
    if hasattr(part, "forward") and hasattr(part, "backward"):
        return Sequential([part])
    raise TypeError(f"{name} must be a layer, a list of layers or a Sequential, "
                    f"got {type(part).__name__}")


@register_model
class MultiTask(Model):
    """A shared trunk and named heads: ``forward`` maps ``(N, D)`` to ``{head: (N, K_h)}``.

    trunk:        a ``Sequential`` or a list of layers, ``(N, D) -> (N, F)``.
    heads:        ``{name: layer | list of layers | Sequential}``, each ``(N, F) -> (N, K_h)``.
    loss_weights: ``{name: w_h >= 0}`` (missing heads get 1.0), or a sequence in head order.
    """

    def __init__(self, trunk, heads, loss_weights=None):
        self.trunk = _as_sequential(trunk, "trunk")
        if not isinstance(heads, dict):
            raise TypeError(f"heads must be a dict {{name: layers}}, got {type(heads).__name__}")
        if not heads:
            raise ValueError("heads must hold at least one head, got an empty dict")
        self.heads = {}
        for name, head in heads.items():
            if not isinstance(name, str) or not name:
                raise TypeError(f"head names must be non-empty strings, got {name!r}")
            head = _as_sequential(head, f"heads[{name!r}]")
            if head.n_in != self.trunk.n_out:
                raise ValueError(f"heads[{name!r}] must take {self.trunk.n_out} inputs (the "
                                 f"trunk's output width), got n_in={head.n_in}")
            if head.dtype != self.trunk.dtype:
                raise ValueError(f"heads[{name!r}] must have the trunk's dtype "
                                 f"{self.trunk.dtype}, got {head.dtype}")
            self.heads[name] = head
        layers = self.trunk.layers + [la for h in self.heads.values() for la in h.layers]
        if len({id(la) for la in layers}) != len(layers):
            # A layer used twice would have its cache and gradients overwritten mid-pass.
            raise ValueError("trunk and heads must not share layer objects; build a new layer "
                             "for each place it is used")
        self.loss_weights = self._check_weights(loss_weights)

    def _check_weights(self, loss_weights):
        names = list(self.heads)
        if loss_weights is None:
            return {name: 1.0 for name in names}
        if isinstance(loss_weights, dict):
            self._check_names(loss_weights, "loss_weights", allow_missing=True)
            weights = {name: loss_weights.get(name, 1.0) for name in names}
        elif isinstance(loss_weights, (list, tuple)):
            if len(loss_weights) != len(names):
                raise ValueError(f"loss_weights must hold one number per head {names}, "
                                 f"got {len(loss_weights)} numbers")
            weights = dict(zip(names, loss_weights))
        else:
            raise TypeError(f"loss_weights must be a dict {{head: weight}}, a sequence in head "
                            f"order or None, got {type(loss_weights).__name__}")
        weights = {name: non_negative_float(w, f"loss_weights[{name!r}]")
                   for name, w in weights.items()}
        if not any(w > 0 for w in weights.values()):
            raise ValueError(f"loss_weights must give at least one head a weight > 0, "
                             f"got {weights}")
        return {name: float(w) for name, w in weights.items()}

    def _check_names(self, given, what, allow_missing=False):
        """Raise if the keys of ``given`` are not exactly the head names."""
        unknown = [k for k in given if k not in self.heads]
        missing = [] if allow_missing else [k for k in self.heads if k not in given]
        if unknown or missing:
            raise ValueError(f"{what} must be keyed by the head names {list(self.heads)}, got "
                             f"unknown names {unknown} and missing names {missing}")

    def _per_head(self, value, what):
        """A dict in head order from a dict keyed by head or a tuple/list in head order."""
        if isinstance(value, dict):
            self._check_names(value, what)
            return {name: value[name] for name in self.heads}
        if isinstance(value, (tuple, list)):
            if len(value) != len(self.heads):
                raise ValueError(f"{what} must hold {len(self.heads)} entries, one per head "
                                 f"{list(self.heads)}, got {len(value)}")
            return dict(zip(self.heads, value))
        raise TypeError(f"{what} must be a dict keyed by head name {list(self.heads)} or a "
                        f"tuple in that order, got {type(value).__name__}")

    # -- properties -------------------------------------------------------------------------
    @property
    def dtype(self):
        return self.trunk.dtype

    @property
    def n_in(self):
        return self.trunk.n_in

    @property
    def head_names(self):
        return tuple(self.heads)

    # -- the maths --------------------------------------------------------------------------
    def forward(self, X):
        """(N, D) -> {head: (N, K_h)}, caching what backward needs. Unchecked: see ``predict``."""
        H = self.trunk.forward(X)
        return {name: head.forward(H) for name, head in self.heads.items()}

    def resolve_loss(self, loss):
        """``{head: loss object}`` from a dict (or a tuple in head order) of names or objects,
        each checked against its head's output layer."""
        losses = {}
        for name, value in self._per_head(loss, "loss").items():
            with errors_prefixed(f"head {name!r}"):
                losses[name] = self.heads[name].resolve_loss(value)
        return losses

    def prepare_targets(self, y, losses, n=None):
        """Check ``y`` (a dict keyed by head, or a tuple in head order) and cast each head's
        targets once to what ``loss_and_gradients`` expects: ``{head: (N, K_h) floats}``."""
        losses = self.resolve_loss(losses)
        out = {}
        for name, yh in self._per_head(y, "y").items():
            with errors_prefixed(f"targets of head {name!r}"):
                out[name] = losses[name].prepare(yh, self.heads[name].n_out, self.dtype, n=n)
        return out

    def loss_and_gradients(self, X, Y, losses):
        """One forward and backward pass on a batch; returns the weighted total loss (float).

        ``Y`` is ``{head: (N, K_h)}`` from ``prepare_targets``. Each head runs its own backward
        from its output delta (``Sequential.output_loss``) scaled by w_h;
        the heads' gradients for the shared features H are summed, and the trunk then runs one
        backward with that sum.
        """
        self.forward(X)
        total, dH = 0.0, None
        for name, head in self.heads.items():
            w = self.loss_weights[name]
            value, delta = head.output_loss(Y[name], losses[name])
            total += w * value
            if w != 1.0:
                delta = delta * w
            dH_head = head.backward_from_delta(delta, input_grad=True)
            if dH is None:
                dH = dH_head
            else:
                dH += dH_head  # dH_head is a fresh array from the matmul: safe to add in place
        self.trunk.backward(dH, input_grad=False)
        return total

    def parameters(self):
        """List of live ``(name, value, grad)``: ``'trunk.0.W'``, ..., ``'head.<name>.0.b'``."""
        parts = [self.trunk.parameters().renamed("trunk.")]
        parts += [head.parameters().renamed(f"head.{name}.") for name, head in self.heads.items()]
        return ParameterList([t for part in parts for t in part],
                             [group for part in parts for group in part.groups])

    # -- prediction -------------------------------------------------------------------------
    def check_X(self, X, name="X"):
        return self.trunk.check_X(X, name)

    def predict(self, X):
        """Every head's output for ``X`` (N, D): ``{head: (N, K_h)}``, in the model's dtype."""
        return self.forward(self.check_X(X))

    def _classifier_heads(self, head):
        names = list(self.heads) if head is None else [head]
        for name in names:
            if name not in self.heads:
                raise ValueError(f"head must be one of {list(self.heads)}, got {name!r}")
        outputs = {n: self.heads[n].output_activation for n in names}
        names = [n for n in names if outputs[n] in ("softmax", "sigmoid")]
        if not names:
            raise ValueError(f"predict_proba needs a head with a softmax or sigmoid output, "
                             f"got output activations {outputs}")
        return names

    def predict_proba(self, X, head=None):
        """Class probabilities (N, K) of classifier ``head``; with ``head=None``, a dict of
        them for every head with a softmax or sigmoid output."""
        names = self._classifier_heads(head)
        out = self.predict(X)
        return out[head] if head is not None else {n: out[n] for n in names}

    def predict_labels(self, X, head=None):
        """Class labels (N,) of classifier ``head`` (argmax, or p >= 0.5 for one sigmoid unit);
        with ``head=None``, a dict of them for every classifier head."""
        proba = self.predict_proba(X, head)
        if head is not None:
            return output_to_labels(proba)
        return {n: output_to_labels(p) for n, p in proba.items()}

    def check_metrics(self, metrics):
        """Refuse a metrics argument that ``evaluate`` could not use, before any training."""
        if metrics is None or (isinstance(metrics, (list, tuple)) and not metrics):
            return
        if not isinstance(metrics, dict):
            raise TypeError(f"metrics must be a dict {{head: [metric names]}} for a MultiTask "
                            f"model, got {type(metrics).__name__} {metrics!r}")
        self._check_names(metrics, "metrics", allow_missing=True)
        for names in metrics.values():
            check_metrics(names)

    def evaluate(self, X, y, losses, metrics=()):
        """Weighted total loss, each head's loss and metrics on a data set.

        ``metrics`` is ``{head: ['accuracy', ...]}`` (names or ``{name: fn}`` as for
        ``Sequential``). Returns e.g. ``{'loss': 0.3, 'setosa_loss': 0.1, 'area_loss': 0.4,
        'setosa_accuracy': 1.0, 'area_r2': 0.98}``.
        """
        losses = self.resolve_loss(losses)
        self.check_metrics(metrics)
        metrics = metrics if isinstance(metrics, dict) else {}
        X = self.check_X(X)
        Y = self.prepare_targets(y, losses, n=len(X))
        y_raw = self._per_head(y, "y")
        outputs = self.forward(X)
        out = {"loss": 0.0}
        for name in self.heads:
            value = self.heads[name].output_value(Y[name], losses[name])
            out["loss"] += self.loss_weights[name] * value
            out[f"{name}_loss"] = value
        for name, names in metrics.items():
            y_true = as_array(y_raw[name], f"y[{name!r}]", ndim=(1, 2))
            for k, v in compute_metrics(names, y_true, outputs[name]).items():
                out[f"{name}_{k}"] = v
        return out

    # -- summary and files -------------------------------------------------------------------
    def summary(self):
        """A table of the trunk's and each head's layers, shapes and parameter counts."""
        parts = [("trunk.", self.trunk.layers)]
        parts += [(f"head.{n}.", h.layers) for n, h in self.heads.items()]
        weights = ", ".join(f"{n}: {w:g}" for n, w in self.loss_weights.items())
        return self.summary_table(parts, first_header="part", footer=[f"loss weights: {weights}"])

    def __repr__(self):
        heads = ", ".join(f"{n!r}: {[la for la in h.layers]}" for n, h in self.heads.items())
        return f"MultiTask(trunk={self.trunk.layers}, heads={{{heads}}}, " \
               f"loss_weights={self.loss_weights})"

    def config(self):
        return {"type": "MultiTask",
                "trunk": [layer.config() for layer in self.trunk.layers],
                "heads": [[name, [layer.config() for layer in h.layers]]
                          for name, h in self.heads.items()],
                "loss_weights": self.loss_weights}

    @classmethod
    def from_config(cls, config):
        trunk = [layer_from_config(c) for c in config["trunk"]]
        heads = {name: [layer_from_config(c) for c in layers] for name, layers in config["heads"]}
        return cls(trunk, heads, config.get("loss_weights"))

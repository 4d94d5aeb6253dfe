"""Sequential: layers applied one after another, with backward in reverse order."""
import numpy as np

from ._checks import as_array, as_rng, errors_prefixed, float_dtype, positive_int, warn
from .activations import get_activation
from .layers import Dense, ParameterStore
from .losses import BinaryCrossEntropy, CrossEntropy, get_loss
from .metrics import check_metrics, compute_metrics, output_to_labels
from .saving import layer_from_config, register_model, save_model


class ParameterList(list):
    """``[(name, value, grad), ...]`` with the live arrays, plus ``groups``.

    ``groups`` is ``[(flat_values, flat_grads, names)]``: one entry per run of parameters that
    lie back to back in one ``ParameterStore`` (one per model built by ``mlp``), so that an
    optimizer updates a whole run with a few NumPy calls on its flat views.
    """

    def __init__(self, triples, groups):
        super().__init__(triples)
        self.groups = groups

    def renamed(self, prefix):
        """The same arrays with ``prefix`` before every name (``MultiTask`` uses it)."""
        return ParameterList([(prefix + n, v, g) for n, v, g in self],
                             [(v, g, [prefix + n for n in names]) for v, g, names in self.groups])


def _rebuild(cls, config, weights):
    """The model ``cls.from_config(config)`` holding ``weights``: what unpickling calls."""
    model = cls.from_config(config)
    model.set_weights(weights)
    return model


class Model:
    """What every model shares: its parameters' gradients, weights in and out, a summary, a file.

    The contract: what ``fit``, ``check_model_gradients`` and ``save``/``load`` call, and so what
    a subclass (``Sequential``, ``MultiTask``) provides. Shapes: X is (N, D); targets and outputs
    are (N, K) for ``Sequential`` and ``{head: (N, K_h)}`` for ``MultiTask``.

    ``dtype``, ``n_in``                    the parameters' dtype and the input width D
    ``parameters()``                       a ``ParameterList`` of live (name, value, grad)
    ``check_X(X, name)``                   X checked and cast to ``dtype``, (N, D)
    ``resolve_loss(loss)``                 loss object(s) from names, refused where the output
                                           layer cannot learn with them
    ``prepare_targets(y, loss, n)``        targets checked once and cast for the loss
    ``loss_and_gradients(X, Y, loss)``     forward + backward on prepared data; the loss value
    ``evaluate(X, y, loss, metrics)``      ``{'loss': ..., metric: ...}`` on raw data
    ``check_metrics(metrics)``             refuse what ``evaluate`` could not use
    ``config()`` / ``from_config(config)`` the architecture as JSON-ready data, and back

    This base class adds, from those: ``zero_grad``, ``n_parameters``, ``get_weights``,
    ``set_weights``, ``save`` and the summary table. Methods named with a leading underscore
    are used only inside their own module.
    """

    def __reduce__(self):
        # pickle and copy.deepcopy rebuild the model from its config and weights. Copying the
        # layers' arrays one by one would cut them loose from their shared ParameterStore: an
        # optimizer built on the copy would then update a buffer the copy no longer reads.
        return _rebuild, (type(self), self.config(), self.get_weights())

    def zero_grad(self):
        """Set every gradient to zero (backward overwrites them, so training needs no call)."""
        for _, _, g in self.parameters():
            g.fill(0)

    def n_parameters(self):
        return sum(v.size for _, v, _ in self.parameters())

    def get_weights(self):
        """Copies of every parameter, in ``parameters()`` order."""
        return [v.copy() for _, v, _ in self.parameters()]

    def set_weights(self, weights):
        """Copy ``weights`` (as from ``get_weights``) into the live parameter arrays."""
        params = self.parameters()
        if not isinstance(weights, (list, tuple)):
            raise TypeError(f"weights must be a list of arrays as from get_weights(), "
                            f"got {type(weights).__name__}")
        if len(weights) != len(params):
            raise ValueError(f"weights must hold {len(params)} arrays, got {len(weights)}")
        checked = []
        for (name, v, _), w in zip(params, weights):  # check all before changing any
            w = as_array(w, f"weights for {name}")
            if w.shape != v.shape:
                raise ValueError(f"weights for {name} must have shape {v.shape}, got {w.shape}")
            checked.append(w)
        for (_, v, _), w in zip(params, checked):
            v[...] = w

    def save(self, path):
        """Write the architecture and the weights to a NumPy ``.npz`` file; returns its path."""
        return save_model(self, path)

    def summary_table(self, parts, first_header="#", footer=()):
        """A table of layers, output shapes and parameter counts for ``[(prefix, layers)]``."""
        rows = [(first_header, "layer", "activation", "output shape", "parameters")]
        for prefix, layers in parts:
            for i, layer in enumerate(layers):
                rows.append((f"{prefix}{i}", f"Dense({layer.n_in} -> {layer.n_out})",
                             layer.activation.name, f"(N, {layer.n_out})",
                             f"{layer.n_parameters():,}"))
        widths = [max(len(r[c]) for r in rows) for c in range(5)]
        line = "-" * (sum(widths) + 8)

        def fmt(row):  # left-align the text columns, right-align the counts
            return "  ".join(s.ljust(w) if c < 4 else s.rjust(w)
                             for c, (s, w) in enumerate(zip(row, widths)))

        body = [fmt(rows[0]), line] + [fmt(r) for r in rows[1:]] + [line]
        body.append(f"total parameters: {self.n_parameters():,}   input: (N, {self.n_in})   "
                    f"dtype: {self.dtype}")
        return "\n".join(body + list(footer))


@register_model
class Sequential(Model):
    """A stack of layers. ``forward`` maps ``(N, D)`` to ``(N, K)``; ``backward`` goes back."""

    def __init__(self, layers):
        layers = list(layers)
        if not layers:
            raise ValueError("layers must hold at least one layer, got an empty list")
        for i, layer in enumerate(layers):
            if not hasattr(layer, "forward") or not hasattr(layer, "backward"):
                raise TypeError(f"layers[{i}] must be a layer with forward and backward, "
                                f"got {type(layer).__name__}")
        for i, (a, b) in enumerate(zip(layers, layers[1:])):
            if a.n_out != b.n_in:
                raise ValueError(f"layers[{i + 1}] must take {a.n_out} inputs to follow "
                                 f"layers[{i}], got n_in={b.n_in}")
        dtypes = {layer.dtype for layer in layers}
        if len(dtypes) != 1:
            raise ValueError(f"all layers must share one dtype, got {sorted(map(str, dtypes))}")
        self.layers = layers

    # -- properties -------------------------------------------------------------------------
    @property
    def dtype(self):
        return self.layers[0].dtype

    @property
    def n_in(self):
        return self.layers[0].n_in

    @property
    def n_out(self):
        return self.layers[-1].n_out

    @property
    def output_activation(self):
        return self.layers[-1].activation.name

    # -- the maths --------------------------------------------------------------------------
    def forward(self, X):
        """(N, D) -> (N, K), caching what backward needs. Unchecked: see ``predict``."""
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def backward(self, dY, input_grad=True):
        """dL/d(output) (N, K) -> dL/dX (N, D), filling every layer's ``grads``."""
        last = self.layers[-1]
        delta = last.activation.backward(dY, last.cache["Z"], last.cache["A"])
        return self.backward_from_delta(delta, input_grad)

    def backward_from_delta(self, delta, input_grad=True):
        """Backward from the output layer's dL/dZ, ``delta`` (N, K): fills every layer's
        ``grads`` and returns dL/dX (N, D), or None with ``input_grad=False``.

        The textbook recursion, layer l from the top down: its gradients from its delta, then
        the delta of the layer below, (delta_l W_l^T) * f'(Z_(l-1)).
        """
        layers = self.layers
        for i in range(len(layers) - 1, 0, -1):
            dA = layers[i].backward_from_dZ(delta)  # dL/d(this layer's input) = dL/dA below
            below = layers[i - 1]
            delta = below.activation.backward(dA, below.cache["Z"], below.cache["A"])
        return layers[0].backward_from_dZ(delta, input_grad)

    def loss_and_gradients(self, X, Y, loss):
        """One forward and backward pass on a batch; returns the loss as a float.

        ``Y`` must already be prepared by ``loss.prepare``.
        """
        self.forward(X)
        value, delta = self.output_loss(Y, loss)
        self.backward_from_delta(delta, input_grad=False)
        return value

    def output_loss(self, Y, loss):
        """The loss of the last forward pass and the output layer's dL/dZ (N, K): the one place
        that dL/dZ is made.

        Three output/loss pairings collapse the chain rule through the output activation into
        a scaled difference, which this uses (``loss.delta``):
          identity + MSE:                 2 (y_hat - y) / (N K)  (the identity's slope is 1);
          sigmoid + binary cross-entropy: (y_hat - y) / (N K)    (the slope y_hat (1 - y_hat)
                                          cancels the denominator of dL/dy_hat);
          softmax + cross-entropy:        (y_hat - y) / N        (each one-hot row sums to 1).
        Besides saving work, the collapsed form stays exact where y_hat saturates at 0 or 1,
        where dL/dy_hat alone would divide by (nearly) zero; the paired loss value is computed
        from the logits Z, stable for any Z. Any other pairing goes the long way: dL/dy_hat
        from the loss, then back through the activation.
        """
        last = self.layers[-1]
        Z, y_hat = last.cache["Z"], last.cache["A"]
        if loss.pairs_with == last.activation.name:
            return loss.value_from_logits(Z, Y, y_hat=y_hat), loss.delta(y_hat, Y)
        value = loss.raw_value(y_hat, Y)
        return value, last.activation.backward(loss.raw_gradient(y_hat, Y), Z, y_hat)

    def output_value(self, Y, loss):
        """The loss of the last forward pass (``output_loss``'s first half), for evaluation."""
        return self.output_loss(Y, loss)[0]

    def resolve_loss(self, loss):
        """A loss object from a name or an instance, checked against the output layer (see
        ``check_pairing``); ``MultiTask`` takes one per head."""
        loss = get_loss(loss)
        self.check_pairing(loss)
        return loss

    def check_pairing(self, loss):
        """Refuse an output layer that ``loss`` cannot train; say once if the pair is unusual."""
        out, k = self.output_activation, self.n_out
        problem = _pairing_problem(out, k, loss)
        if problem is not None:
            raise ValueError(f"loss {loss.name!r} cannot train this model's output layer ({k} "
                             f"{out!r} unit{'s' if k > 1 else ''}): {problem}. Pairings that "
                             f"work: {'; '.join(PAIRINGS_THAT_WORK)}")
        unusual = (out, loss.name)
        if isinstance(loss, BinaryCrossEntropy) and out == "softmax" and unusual not in _WARNED:
            _WARNED.add(unusual)
            warn(f"binary cross-entropy on a softmax over {k} units trains, but is an unusual "
                 f"pair: for one class per sample the usual pair is softmax + cross_entropy, "
                 f"for independent yes/no labels sigmoid + binary_cross_entropy")

    @staticmethod
    def check_metrics(metrics):
        """Refuse a metrics argument that ``evaluate`` could not use, before any training."""
        check_metrics(metrics if metrics is not None else ())

    def prepare_targets(self, y, loss, n=None):
        """Check ``y`` and cast it once to what ``loss_and_gradients`` expects: (N, K) floats."""
        self.check_pairing(loss)
        return loss.prepare(y, self.n_out, self.dtype, n=n)

    def parameters(self):
        """``(name, value, grad)`` triples, e.g. ``('0.W', W, dW)``, with live arrays, as a
        ``ParameterList`` whose ``groups`` join layers that share a ``ParameterStore``."""
        triples, groups, run = [], [], None  # run: (store, start, stop) of groups[-1]
        for i, layer in enumerate(self.layers):
            names = [f"{i}.{k}" for k in layer.params]
            triples += [(n, layer.params[k], layer.grads[k]) for n, k in zip(names, layer.params)]
            store = getattr(layer, "store", None)
            if store is None:  # a layer without a ParameterStore: one group per array
                groups += [(layer.params[k], layer.grads[k], [n])
                           for n, k in zip(names, layer.params)]
                run = None
                continue
            start, stop = layer.span
            if run is not None and run[0] is store and run[2] == start:
                start = run[1]  # this layer continues the previous one's run: widen its group
                names = groups.pop()[2] + names
            groups.append((store.values[start:stop], store.grads[start:stop], names))
            run = (store, start, stop)
        return ParameterList(triples, groups)

    # -- prediction -------------------------------------------------------------------------
    def check_X(self, X, name="X"):
        X = as_array(X, name, ndim=2, dtype=self.dtype)
        if X.shape[1] != self.n_in:
            raise ValueError(f"{name} must have {self.n_in} features (columns), "
                             f"got shape {X.shape}")
        return X

    def predict(self, X):
        """Network output for ``X`` (N, D): (N, K) values or probabilities, in the model's dtype."""
        return self.forward(self.check_X(X))

    def predict_proba(self, X):
        """Class probabilities (N, K); the output layer must be softmax or sigmoid."""
        if self.output_activation not in ("softmax", "sigmoid"):
            raise ValueError(f"predict_proba needs a softmax or sigmoid output layer, "
                             f"got {self.output_activation!r}")
        return self.predict(X)

    def predict_labels(self, X):
        """Class labels (N,): argmax of a softmax output, or p >= 0.5 for one sigmoid unit."""
        return output_to_labels(self.predict_proba(X))

    def evaluate(self, X, y, loss, metrics=()):
        """Loss and metrics on a data set, e.g. ``{'loss': 0.12, 'accuracy': 0.97}``."""
        loss = self.resolve_loss(loss)
        X = self.check_X(X)
        Y = self.prepare_targets(y, loss, n=len(X))
        y_hat = self.forward(X)
        out = {"loss": self.output_value(Y, loss)}
        out.update(compute_metrics(metrics, y, y_hat))
        return out

    # -- summary and files -------------------------------------------------------------------
    def summary(self):
        """A table of layers, output shapes and parameter counts, as a string."""
        return self.summary_table([("", self.layers)])

    def __repr__(self):
        return "Sequential([\n" + "".join(f"    {layer!r},\n" for layer in self.layers) + "])"

    def config(self):
        return {"type": "Sequential", "layers": [layer.config() for layer in self.layers]}

    @classmethod
    def from_config(cls, config):
        layers = config["layers"]
        store = _store_for([(c["n_in"], c["n_out"]) for c in layers], layers[0]["dtype"])
        return cls([layer_from_config(c, store=store) for c in layers])


# The output/loss pairings an error lists. Other outputs also train with mse (sigmoid + mse is
# notebook 09's recipe): any output whose values can move towards the targets can.
PAIRINGS_THAT_WORK = (
    "identity + mse for regression",
    "sigmoid + binary_cross_entropy for one or several yes/no labels",
    "softmax over K >= 2 units + cross_entropy for one class out of K",
    "mse also trains any other output activation (e.g. sigmoid + mse)",
)
_UNBOUNDED = {"identity", "linear", "relu", "leaky_relu", "elu", "silu", "tanh"}
_WARNED = set()  # the unusual pairs already reported: each is reported once per session


def _pairing_problem(out, k, loss):
    """Why an output layer of ``k`` units of activation ``out`` cannot learn with ``loss``, or
    None. Activations not named here (ones a user wrote) are trusted."""
    if out == "softmax" and k == 1:
        return "a softmax over one unit outputs 1 whatever its input, so nothing can be learnt"
    if isinstance(loss, CrossEntropy) and (out in _UNBOUNDED or out == "sigmoid"):
        return ("cross-entropy needs one probability per class, the K of them summing to 1, as "
                "a softmax gives; it only ever pushes the true class's output up")
    if isinstance(loss, BinaryCrossEntropy) and out in _UNBOUNDED:
        return (f"binary cross-entropy needs probabilities in (0, 1), as a sigmoid gives; "
                f"{out} outputs are not confined to them")
    return None


def _store_for(shapes, dtype):
    """One ParameterStore with room for a Dense layer of each ``(n_in, n_out)`` in ``shapes``:
    see ParameterStore for what sharing one store saves."""
    return ParameterStore(sum(Dense.n_parameters_for(d, m) for d, m in shapes), dtype)


def mlp(sizes, activation="relu", output_activation="identity", init=None, rng=None,
        dtype=np.float64):
    """A fully connected network, e.g. ``mlp([64, 128, 10], 'relu', 'softmax', rng=0)``.

    ``sizes`` lists the input width, every hidden width and the output width. ``init`` defaults
    to He for ReLU-like hidden layers and Xavier otherwise.
    """
    sizes = [positive_int(s, f"sizes[{i}]") for i, s in enumerate(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and an output width, got {sizes}")
    dtype = float_dtype(dtype)
    rng = as_rng(rng)
    with errors_prefixed("activation"):
        hidden = get_activation(activation)
    with errors_prefixed("output_activation"):
        get_activation(output_activation)
    if init is None:
        # The canonical name ("ReLU", "relu" and ReLU() are one activation) picks the default.
        init = "he" if hidden.name in ("relu", "leaky_relu", "elu", "silu") else "xavier"
    store = _store_for(list(zip(sizes, sizes[1:])), dtype)
    layers = [Dense(a, b, activation, init=init, rng=rng, dtype=dtype, store=store)
              for a, b in zip(sizes[:-2], sizes[1:-1])]
    layers.append(Dense(sizes[-2], sizes[-1], output_activation, init="xavier", rng=rng,
                        dtype=dtype, store=store))
    return Sequential(layers)
